"""Benchmark: publish against pandoc, on the sample issue and on a 10× larger manuscript.

    pip install -e '.[bench]'          # pandoc, from the pypandoc-binary package
    python bench/run.py [--repeat 3] [--large-repeat 1] [--sizes 1,10] [--jobs 2]

For each size it times, in fresh processes and from a clean build/ where it says "cold":
  publish cold build (EPUB + screen PDF + print PDF) with -j 1 and with -j N,
  publish no-op (nothing changed), publish after a one-article edit (EPUB only, and everything),
  and after an edit that makes an article a page longer (the later runs move: PDF only), the
  same two edits saved while `publish watch` runs (bench/watch.py: from the save to the end of
  its build),
  pandoc building the same Markdown into an EPUB, and into a PDF with --pdf-engine=weasyprint.
It prints one Markdown table with the medians, the ratios and the peak memory: the largest
single process (getrusage RUSAGE_CHILDREN, in a wrapper process per run) and the whole process
tree at once (the sum of the processes' PSS, sampled from /proc every 250 ms: with -j N the
workers run side by side and share pages of the libraries they load). The
"other work" column is how many CPUs, on average over a run, were busy with anything but the
command measured (from /proc/stat, minus the command's own CPU time; the worst run of the step):
on a shared machine it says how much the numbers are to be trusted.

The steps run in rounds, publish's and pandoc's side by side, since a shared machine's speed
drifts over minutes; a ratio is the median over the rounds of publish's time over pandoc's
EPUB + PDF time in the same round.

This is a measurement, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Sample:
    seconds: list[float] = field(default_factory=list)
    largest_kb: int = 0  # the largest single process
    tree_kb: int = 0  # the whole process tree at its peak
    others: float = 0.0  # the most CPUs other work kept busy during a run, on average over it

    def add(self, seconds: float, largest_kb: int, tree_kb: int, others: float) -> None:
        self.seconds.append(seconds)
        self.largest_kb = max(self.largest_kb, largest_kb)
        self.tree_kb = max(self.tree_kb, tree_kb)
        self.others = max(self.others, others)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


# -- running one measured command -------------------------------------------------------------

def measure_main(command: list[str]) -> None:
    """`run.py --measure -- cmd …`: run cmd and print its time and peak RSS (for the parent to read)."""
    import resource

    busy = _busy_seconds()
    started = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        sys.exit(result.returncode)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU the machine spent on anything but this command: other work competing with it.
    others = max(0.0, (_busy_seconds() - busy) - (usage.ru_utime + usage.ru_stime)) / seconds
    print(json.dumps({"seconds": seconds, "maxrss_kb": usage.ru_maxrss, "others": others}))  # KB on Linux


def _busy_seconds() -> float:
    """CPU seconds all CPUs have spent busy since boot (/proc/stat: all but idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _tree_memory_kb(root_pid: int) -> int:
    """Memory of `root_pid` and all its descendants: the sum of their proportional set sizes
    (/proc/PID/smaps_rollup), so that pages a forked child shares with its parent count once,
    not twice as a sum of resident sizes would; the resident size where there is no PSS."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)  # fields[1] is the parent pid
        rss[pid] = int(fields[21]) * PAGE // 1024  # resident pages
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        total += _pss_kb(pid, rss.get(pid, 0))
        todo += children.get(pid, [])
    return total


def _pss_kb(pid: int, fallback: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return fallback


def timed(command: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, int, int, float]:
    """(seconds, largest process KB, process tree peak KB, CPUs used by other work) of one run."""
    wrapper = subprocess.Popen([sys.executable, __file__, "--measure", "--", *command], cwd=cwd, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample() -> None:
        # Every 50 ms during the first second (a no-op run is over in 0.2 s), then every 250 ms:
        # reading the PSS of a 1.5 GB process walks its page tables, and sampling at 20 Hz took
        # a sixth of a CPU away from the build being measured.
        started = time.monotonic()
        while wrapper.poll() is None:
            peak[0] = max(peak[0], _tree_memory_kb(wrapper.pid))
            time.sleep(0.05 if time.monotonic() - started < 1 else 0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = wrapper.communicate()
    sampler.join()
    if wrapper.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{stderr}")
    result = json.loads(stdout.strip().splitlines()[-1])
    return result["seconds"], result["maxrss_kb"], peak[0], result["others"]


# -- the manuscripts ----------------------------------------------------------------------------

def make_project(size: int, where: Path) -> Path:
    """The sample issue, or `size` copies of its articles under new names (sections repeated)."""
    project = where / f"issue-x{size}"
    manuscript = project / "manuscript"
    shutil.copytree(REPO / "manuscript" / "images", manuscript / "images")
    (manuscript / "articles").mkdir(parents=True)
    publication = yaml.safe_load((REPO / "manuscript" / "publication.yaml").read_text(encoding="utf-8"))
    contents = []
    for copy in range(size):
        suffix = "" if copy == 0 else f"-x{copy}"
        for entry in publication["contents"]:
            names = entry["articles"] if isinstance(entry, dict) else [entry]
            for name in names:
                text = (REPO / "manuscript" / "articles" / f"{name}.md").read_text(encoding="utf-8")
                text = re.sub(r"\]\(([a-z0-9_-]+)\.md", lambda m, suffix=suffix: f"]({m.group(1)}{suffix}.md", text)
                (manuscript / "articles" / f"{name}{suffix}.md").write_text(text, encoding="utf-8")
            if isinstance(entry, dict):
                contents.append(dict(entry, articles=[f"{n}{suffix}" for n in names],
                                     title=entry["title"] + (f"（{copy + 1}）" if copy else "")))
            else:
                contents.append(f"{entry}{suffix}")
    publication["contents"] = contents
    (manuscript / "publication.yaml").write_text(yaml.safe_dump(publication, allow_unicode=True, sort_keys=False),
                                                 encoding="utf-8")
    return project


def pandoc_inputs(project: Path) -> list[Path]:
    """The same Markdown for pandoc: each article's title as its heading, front matter removed."""
    publication = yaml.safe_load((project / "manuscript" / "publication.yaml").read_text(encoding="utf-8"))
    folder = project / "pandoc" / "articles"
    folder.mkdir(parents=True)
    (project / "pandoc" / "images").symlink_to(project / "manuscript" / "images")
    files = []
    for entry in publication["contents"]:
        for name in entry["articles"] if isinstance(entry, dict) else [entry]:
            text = (project / "manuscript" / "articles" / f"{name}.md").read_text(encoding="utf-8")
            _, front, body = text.split("---", 2)
            meta = yaml.safe_load(front)
            path = folder / f"{name}.md"
            path.write_text(f"# {meta['title']}\n\n{body.strip()}\n", encoding="utf-8")
            files.append(path)
    return files


def pandoc_css(project: Path) -> Path:
    """The bundled fonts for pandoc's PDF too, so that both typeset the same glyphs."""
    fonts = REPO / "fonts"
    css = project / "pandoc" / "style.css"
    css.write_text(
        "\n".join(f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
                  f'src: url("{(fonts / name).as_uri()}"); }}'
                  for name, family, weight in (("NotoSerifCJKPublish-Regular.otf", "Bench Serif", 400),
                                               ("NotoSerifCJKPublish-Bold.otf", "Bench Serif", 700),
                                               ("NotoSansCJKPublish-Regular.otf", "Bench Sans", 400),
                                               ("NotoSansCJKPublish-Bold.otf", "Bench Sans", 700)))
        + '\nbody { font-family: "Bench Serif"; } h1, h2, h3 { font-family: "Bench Sans"; }\n'
        + "@page { size: 210mm 285mm; margin: 20mm; }\n", encoding="utf-8")
    return css


# -- the scenarios --------------------------------------------------------------------------------

def publish(project: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "publish", "-C", str(project), "-q", *args]


def edited_article(project: Path) -> Path:
    return sorted((project / "manuscript" / "articles").glob("*.md"))[3]


def one_edit(project: Path, times: int = 1) -> None:
    """Append a copy of an article's first paragraph (`times` copies): new content, no new
    character; one write, as an editor's save."""
    path = edited_article(project)
    text = path.read_text(encoding="utf-8")
    paragraph = next(p for p in text.split("---", 2)[2].split("\n\n") if p.strip() and not p.startswith(("#", "!")))
    path.write_text(text.rstrip("\n") + ("\n\n" + paragraph.strip()) * times + "\n", encoding="utf-8")


def longer_edit(project: Path) -> None:
    """One article a page or so longer (its first paragraph eight times more): the runs after
    it start later, their folios and sides change, and they are moved (not laid out again)."""
    one_edit(project, 8)


def pages(project: Path) -> int:
    state = json.loads((project / "build" / ".publish-state.json").read_text(encoding="utf-8"))
    return state["targets"]["pdf-print"]["pages"]


def bench_size(size: int, repeat: int, jobs: int, where: Path, say) -> tuple[dict[str, Sample], dict]:
    project = make_project(size, where)
    files = pandoc_inputs(project)
    css = pandoc_css(project)
    pandoc = shutil.which("pandoc") or _pandoc_from_pypandoc()
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    results: dict[str, Sample] = {}

    whole_env = dict(env, PUBLISH_PDF_RUNS="0")  # the PDF laid out as one document (before issue 18's runs)

    def run(name: str, command: list[str], number: int, before=None, cwd: Path | None = None,
            run_env: dict | None = None) -> None:
        if before:
            before()
        seconds, largest, tree, others = timed(command, cwd=cwd, env=run_env or env)
        results.setdefault(name, Sample()).add(seconds, largest, tree, others)
        say(f"  x{size} {name} #{number + 1}: {seconds:.2f} s, {largest / 1024:.0f} MB / {tree / 1024:.0f} MB"
            f" (other work: {others:.2f} CPUs)")

    def clean() -> None:
        shutil.rmtree(project / "build", ignore_errors=True)

    common = [pandoc, "--from", "markdown", "--resource-path", str(files[0].parent), "--metadata",
              "title=网络传播", "--metadata", "lang=zh-CN", "--toc", *map(str, files)]
    # Rounds of every step, publish and pandoc side by side: the speed of a shared machine drifts
    # over minutes, and a ratio is only fair between runs made close together (see table()).
    for number in range(repeat):
        run("publish cold build, -j 1", publish(project, "-j", "1"), number, before=clean)
        # In the project: pandoc leaves its temporary HTML in the working directory if stopped.
        run("pandoc EPUB", [*common, "--to", "epub3", "-o", str(project / "pandoc" / "out.epub")], number,
            cwd=project)
        run("pandoc PDF (weasyprint)", [*common, "--to", "html5", "--pdf-engine=weasyprint", "--css",
                                        css.as_uri(), "-o", str(project / "pandoc" / "out.pdf")], number, cwd=project)
        run(f"publish cold build, -j {jobs}", publish(project, "-j", str(jobs)), number, before=clean)
        run("publish no-op", publish(project), number)
        run("publish one-article edit: EPUB", publish(project, "epub"), number, before=lambda: one_edit(project))
        run(f"publish one-article edit: all, -j {jobs}", publish(project, "-j", str(jobs)), number,
            before=lambda: one_edit(project))
        # The same edits saved while `publish watch` runs (its processes kept ready between builds),
        # from where the row above left the article (each is undone after it: the rows below start
        # from the same text as before).
        from watch import watch_edits  # bench/ is the script's folder: on sys.path

        for name, measured in watch_edits(project, jobs, {
                f"publish watch -j {jobs}: one-article edit → all": one_edit,
                f"publish watch -j {jobs}: edit moving the later pages → all": longer_edit},
                edited_article, env, _busy_seconds, _tree_memory_kb).items():
            results.setdefault(name, Sample()).add(*measured)
            say(f"  x{size} {name} #{number + 1}: {measured[0]:.2f} s, {measured[1] / 1024:.0f} MB / "
                f"{measured[2] / 1024:.0f} MB (other work: {measured[3]:.2f} CPUs)")
        run("publish one-article edit → PDF", publish(project, "pdf"), number, before=lambda: one_edit(project))
        run("publish edit moving the later pages → PDF", publish(project, "pdf"), number,
            before=lambda: longer_edit(project))
        # The same with the PDF laid out as one document (PUBLISH_PDF_RUNS=0), as before the runs.
        run(f"publish cold build, -j {jobs}, whole", publish(project, "-j", str(jobs)), number, before=clean,
            run_env=whole_env)
        run("publish one-article edit → PDF, whole", publish(project, "pdf"), number,
            before=lambda: one_edit(project), run_env=whole_env)
        run(f"publish one-article edit: all, -j {jobs}, whole", publish(project, "-j", str(jobs)), number,
            before=lambda: one_edit(project), run_env=whole_env)
    facts = {"articles": len(files), "pages": pages(project),
             "pandoc_pages": _pdf_pages(project / "pandoc" / "out.pdf")}
    shutil.rmtree(project)
    return results, facts


def _pandoc_from_pypandoc() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def _pdf_pages(path: Path) -> int | str:
    try:
        from pypdf import PdfReader  # in the test extra; the count is only informative
    except ImportError:
        return "?"
    return len(PdfReader(path).pages)


# -- the report --------------------------------------------------------------------------------

def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = os.sysconf("SC_PHYS_PAGES") * PAGE / 1024 ** 3
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs ({cpu}), {memory:.0f} GB RAM"


def versions() -> str:
    import weasyprint

    pandoc = shutil.which("pandoc") or _pandoc_from_pypandoc()
    pandoc_version = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.split()[1]
    return f"Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}, pandoc {pandoc_version}"


def table(all_results: dict[int, tuple[dict[str, Sample], dict]], jobs: int) -> str:
    sizes = sorted(all_results)
    columns = (f"x{s}: median | x{s}: ratio | x{s}: peak memory (largest process RSS / all processes PSS)"
               f" | x{s}: other work"
               for s in sizes)
    header = "| step | " + " | ".join(columns) + " |"
    lines = [header, "|" + " --- |" * (1 + 4 * len(sizes))]
    names = [n for n in all_results[sizes[0]][0] if n.startswith("publish")]
    names += ["pandoc EPUB", "pandoc PDF (weasyprint)"]
    for name in names + ["pandoc EPUB + PDF"]:
        cells = []
        for size in sizes:
            results, _ = all_results[size]
            # pandoc's EPUB + PDF of each round, for the ratios of the publish runs of that round.
            rounds = [e + p for e, p in zip(results["pandoc EPUB"].seconds, results["pandoc PDF (weasyprint)"].seconds)]
            if name == "pandoc EPUB + PDF":
                cells += [f"{statistics.median(rounds):.2f} s", "1.00× (reference)", "", ""]
                continue
            sample = results[name]
            if name == "publish no-op":
                ratio = f"{sample.median / results['publish cold build, -j 1'].median:.1%} of a -j 1 build"
            elif name.startswith("publish"):
                paired = statistics.median(t / p for t, p in zip(sample.seconds, rounds))
                ratio = f"{paired:.2f}× pandoc EPUB + PDF"
            else:
                ratio = ""
            cells += [f"{sample.median:.2f} s", ratio,
                      f"{sample.largest_kb / 1024:.0f} MB / {sample.tree_kb / 1024:.0f} MB",
                      f"{sample.others:.2f} CPUs"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--measure":
        return measure_main(sys.argv[3:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step on the sample (median)")
    parser.add_argument("--large-repeat", type=int, default=1, help="runs of each step on the larger manuscripts")
    parser.add_argument("--sizes", default="1,10", help="manuscript sizes, in copies of the sample (default 1,10)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="-j for the parallel build")
    parser.add_argument("--book", type=Path, help="a checkout of krahets/hello-algo: the real-book rows (book.py)")
    parser.add_argument("--sizes-off", action="store_true", help="only the real book")
    args = parser.parse_args()

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    # The package's bytecode, as `pip install` (not -e) writes it: with PYTHONDONTWRITEBYTECODE
    # set (as on this machine) an editable install compiles its 70 modules in every run (0.25 s).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "publish")], check=True,
                   stdout=subprocess.DEVNULL)
    all_results = {}
    with tempfile.TemporaryDirectory(prefix="publish-bench-") as where:
        for size in () if args.sizes_off else (int(s) for s in args.sizes.split(",")):
            say(f"size x{size} …")
            all_results[size] = bench_size(size, args.repeat if size == 1 else args.large_repeat, args.jobs,
                                           Path(where), say)
        book = None
        if args.book:
            sys.path.insert(0, str(Path(__file__).parent))
            from book import bench_book

            say("real book …")
            book = bench_book(args.book.resolve(), args.jobs, Path(where), say, timed, Sample, publish, pages)
    print(f"publish benchmark, {dt.date.today().isoformat()}: {machine()}; {versions()}")
    for size, (_, facts) in sorted(all_results.items()):
        repeat = args.repeat if size == 1 else args.large_repeat
        print(f"x{size}: {facts['articles']} articles, {facts['pages']} printed pages "
              f"(pandoc's PDF: {facts['pandoc_pages']}), median of {repeat} run(s)")
    if all_results:
        print()
        print(table(all_results, args.jobs))
    if book is not None:
        from book import table as book_table

        print()
        print(book_table(*book))


if __name__ == "__main__":
    main()
