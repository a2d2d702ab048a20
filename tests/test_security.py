"""Safe by default: no network, no file outside the project, no active content, nothing lost.

A hostile manuscript (scripts, frames, event handlers, javascript: links, remote and local-file
URLs in the Markdown, the stylesheet and a theme override) is built once, in this process, with
the socket layer watched; the tests then look into the EPUB and the PDFs. The other tests send
signals to real builds, run two builds at once, and build twice to compare the bytes.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import copy_case, run_publish
from lxml import etree

PASSWD = "root:x:0:0"  # the first line of /etc/passwd on every Linux system
XHTML = "{http://www.w3.org/1999/xhtml}"

HOSTILE = """---
title: 不可信的稿件
---

正文第一段。

<script>document.title = "pwned"</script>

<p onclick="steal()" style="color:red">点击<iframe src="https://example.com/frame"></iframe>这里</p>

<object data="movie.swf"><embed src="movie.swf"></object>

<a href="javascript:alert(1)" onmouseover="x()">链接一</a>与<a href="JaVaScRiPt:alert(2)">链接二</a>与<a href="data:text/html,x">链接三</a>

[链接四](javascript:alert(4))与<javascript:alert(5)>与[链接六](vbscript:msgbox)与[安全链接](https://example.com/ok)

<img src="file:///etc/passwd" onerror="alert(6)"><svg onload="alert(7)"></svg>

![远程图片](https://example.com/tracker.png)

![矢量图表](../images/chart.svg)
一张安全的矢量图。
"""
SAFE_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 20 10">'
            '<defs><linearGradient id="g"><stop offset="0" stop-color="#c00"/></linearGradient></defs>'
            '<rect width="20" height="10" style="fill:url(#g)"/></svg>\n')
# Injected into a copy of the default print template: only the fetcher stands between these and the PDF.
TEMPLATE_INJECTION = ('<img src="file:///etc/passwd" alt="">\n<link rel="stylesheet" href="file:///etc/passwd">\n'
                      '<style>@import url("file:///etc/passwd"); body { background: url("http://example.com/bg.png"); }'
                      '</style>\n')


def hostile_project(destination: Path) -> Path:
    project = copy_case("basic", destination)
    manuscript = project / "manuscript"
    (manuscript / "articles" / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    (manuscript / "images" / "chart.svg").write_text(SAFE_SVG, encoding="utf-8")
    publication = manuscript / "publication.yaml"
    publication.write_text(publication.read_text(encoding="utf-8") + "  - hostile\n", encoding="utf-8")
    styles = project / "styles"
    (styles / "print").mkdir(parents=True)
    (styles / "custom.css").write_text('h2 { background: url("http://example.com/h2.png"); }\n', encoding="utf-8")
    template = (Path(__file__).resolve().parent.parent / "publish" / "writers" / "theme" / "print" / "book.html").read_text(
        encoding="utf-8")
    assert "<body>" in template
    (styles / "print" / "book.html").write_text(template.replace("<body>", "<body>\n" + TEMPLATE_INJECTION, 1),
                                                encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """(project, stderr, exit code, network calls) of one in-process build of the hostile manuscript."""
    from publish import cli

    project = hostile_project(tmp_path_factory.mktemp("hostile"))
    calls: list[str] = []
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def connect(self, address):
        calls.append(f"connect {address}")
        return real_connect(self, address)

    def getaddrinfo(host, *args, **kwargs):
        calls.append(f"getaddrinfo {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    stderr = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stderr(stderr), \
            contextlib.redirect_stdout(io.StringIO()):
        patch.setattr(socket.socket, "connect", connect)
        patch.setattr(socket, "getaddrinfo", getaddrinfo)
        code = cli.main(["-C", str(project), "-q"])
    return project, stderr.getvalue(), code, calls


def test_hostile_manuscript_builds_with_warnings_and_no_network(hostile):
    project, stderr, code, calls = hostile
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert calls == [], "the build touched the network"
    for text in ("warning W204: remote image not fetched: https://example.com/tracker.png",
                 "styles/custom.css:1:18: warning W204: remote resource not fetched: http://example.com/h2.png",
                 "warning W204: not fetched during the PDF build: file:///etc/passwd",
                 "warning W204: not fetched during the PDF build: http://example.com/bg.png",
                 "warning W211: raw HTML was sanitized: removed <script>",
                 "warning W211: raw HTML was sanitized: removed <iframe>, onclick, style",
                 "warning W211: a javascript: link was removed: javascript:alert(4)",
                 "warning W211: a vbscript: link was removed: vbscript:msgbox"):
        assert text in stderr, stderr


def _documents(epub: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(epub) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_no_active_content_reaches_the_epub(hostile):
    project = hostile[0]
    documents = _documents(project / "build" / "test-monthly.epub")
    hostile_xhtml = etree.fromstring(documents["EPUB/hostile.xhtml"])
    assert "链接一" in "".join(hostile_xhtml.itertext()), "the sanitized article is there"
    for name, data in documents.items():
        assert PASSWD.encode() not in data, name
        if not name.endswith((".xhtml", ".svg", ".opf", ".ncx")):
            continue
        for element in etree.fromstring(data).iter():
            if not isinstance(element.tag, str):
                continue
            assert etree.QName(element).localname not in ("script", "iframe", "object", "embed"), name
            for attribute, value in element.attrib.items():
                attribute_name = etree.QName(attribute).localname
                assert not attribute_name.lower().startswith("on"), (name, attribute_name)
                if attribute_name in ("href", "src"):
                    assert not re.match(r"\s*(javascript|vbscript|data|file):", value, re.I), (name, value)
    links = [a.get("href") for a in hostile_xhtml.iter(f"{XHTML}a") if a.get("href")]
    assert "https://example.com/ok" in links
    assert all(href.startswith(("https:", "#", "http:", "mailto:")) or ".xhtml" in href for href in links), links


def test_an_allowed_svg_is_in_the_epub_as_svg(hostile):
    project = hostile[0]
    with zipfile.ZipFile(project / "build" / "test-monthly.epub") as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
        svg_items = [i for i in opf.iter("{http://www.idpf.org/2007/opf}item") if i.get("href").endswith(".svg")]
        assert [i.get("media-type") for i in svg_items] == ["image/svg+xml"]
        assert z.read("EPUB/" + svg_items[0].get("href")).decode() == SAFE_SVG


@pytest.mark.parametrize("name", ["test-monthly.pdf", "test-monthly-print.pdf"])
def test_no_active_content_or_local_file_reaches_the_pdf(hostile, name):
    from pypdf import PdfReader

    pdf = hostile[0] / "build" / name
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "不可信的稿件" in text and "链接四" in text
    assert PASSWD not in text and "pwned" not in text
    reader = PdfReader(pdf)
    assert "/Names" not in reader.trailer["/Root"] or "/JavaScript" not in reader.trailer["/Root"]["/Names"]
    assert "/OpenAction" not in reader.trailer["/Root"]
    uris = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is None:
                continue
            assert action.get("/S") in ("/URI", "/GoTo"), action
            if action.get("/S") == "/URI":
                uris.append(str(action["/URI"]))
    assert "https://example.com/ok" in uris
    assert all(uri.startswith(("http:", "https:", "mailto:")) for uri in uris), uris


def test_the_fetcher_serves_declared_files_only(tmp_path, monkeypatch):
    from publish.writers.pdf.fetcher import ConfinedFetcher

    image = tmp_path / "project" / "manuscript" / "images" / "x.png"
    image.parent.mkdir(parents=True)
    image.write_bytes(b"\x89PNG fake")
    fetcher = ConfinedFetcher({"images/x.png": image})
    network: list = []
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: network.append(a))
    monkeypatch.setattr(socket.socket, "connect", lambda *a, **k: network.append(a))

    served = fetcher.fetch(fetcher.base_url + "images/x.png")
    assert served.read() == b"\x89PNG fake" and served.content_type == "image/png"
    refused = ["file:///etc/passwd", "http://example.com/x.png", "https://example.com/x.css", "ftp://example.com/x",
               fetcher.base_url + "images/../../../../../../etc/passwd", fetcher.base_url + "images/y.png",
               image.as_uri()]
    for url in refused:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.refused == refused
    assert network == []
    assert fetcher.fetch("data:text/plain,hello") is not None


@pytest.mark.parametrize("link, target, expected", [
    ("manuscript/articles/closing.md", "/etc/passwd",
     "manuscript/articles/closing.md:1:1: error E205: 'closing.md' is a symlink to /etc/passwd, outside the project"),
    ("manuscript/images/meeting.png", "/etc/passwd",
     "manuscript/articles/figures.md:7:1: error E205: '../images/meeting.png' is a symlink to /etc/passwd"),
    ("manuscript/images", "{outside}",  # a whole folder, with the image in it, elsewhere
     "manuscript/articles/figures.md:7:1: error E205: '../images/meeting.png' is a symlink to {outside}/meeting.png"),
    ("styles", "/etc", "styles:1:1: error E205: 'styles' is a symlink that leads outside the project"),
    ("fonts", "/usr/share/fonts", "fonts:1:1: error E205: 'fonts' is a symlink that leads outside the project"),
])
def test_symlinks_out_of_the_project_are_refused(tmp_path, link, target, expected):
    project = copy_case("basic", tmp_path)
    outside = tmp_path / "outside"
    shutil.copytree(project / "manuscript" / "images", outside)
    path = project / link
    if path.is_dir():
        shutil.rmtree(path)
    path.unlink(missing_ok=True)
    os.symlink(target.format(outside=outside), path)
    expected = expected.format(outside=outside)
    result = run_publish("-C", str(project), "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert expected in result.stderr, result.stderr


def test_symlinks_inside_the_project_are_fine(tmp_path):
    project = copy_case("basic", tmp_path)
    images = project / "manuscript" / "images"
    shutil.copy(images / "meeting.png", project / "shared.png")
    (images / "meeting.png").unlink()
    os.symlink("../../shared.png", images / "meeting.png")
    from publish.checks import check
    from publish.diagnostics import Report

    report = Report()
    assert check(project, report) is not None, [d.format(project) for d in report.items]


@pytest.mark.parametrize("yaml_text, expected", [
    ("title: !!python/object/apply:os.system ['touch /tmp/pwned']\n", "YAML tag '!!python/object/apply:os.system'"),
    ("title: !!python/name:os.system\n", "YAML tag '!!python/name:os.system'"),
    ("title: !!python/object:publish.model.Section {}\n", "YAML tag '!!python/object:publish.model.Section'"),
    ("title: !!binary aGVsbG8=\n", "YAML tag '!!binary'"),
    ("title: !!set {a, b}\n", "YAML tag '!!set'"),
    ("title: &a [*a]\n", "recursive alias"),
    ("title: " + "[" * 10_000 + "]" * 10_000 + "\n", "nested more than 50 levels"),
    ("a: &a [" + ",".join(["x"] * 50) + "]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 50) + "]\n" for i in range(8)),
     "too many nodes (alias bomb?)"),
])
def test_unsafe_yaml_is_refused_quickly(tmp_path, yaml_text, expected):
    from publish import load

    manuscript = tmp_path / "manuscript"
    (manuscript / "articles").mkdir(parents=True)
    (manuscript / "publication.yaml").write_text(yaml_text + "contents: [a]\n", encoding="utf-8")
    # CPU time, not the wall clock: on a loaded shared machine the wall clock says nothing. A
    # bomb that got through would take minutes; refusing one takes milliseconds.
    started = time.process_time()
    publication, report = load(tmp_path)
    assert time.process_time() - started < 2.0
    assert publication is None
    assert [d.code for d in report.errors] == ["E113"], [d.format(tmp_path) for d in report.items]
    assert expected in report.errors[0].message
    assert not Path("/tmp/pwned").exists()


# -- nothing lost ------------------------------------------------------------------------------

def _outputs(project: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project / "build").glob("test-monthly*"))}


def _temporaries(project: Path) -> list[Path]:
    return sorted(p for p in (project / "build").rglob("*") if p.name.endswith(".tmp"))


def _start_rebuild(basic_build: Path, tmp_path: Path) -> tuple[Path, dict[str, bytes], subprocess.Popen]:
    """A copy of the built fixture, an edit that changes every output, and a build of it, running
    and already inside a writer (its --verbose step lines say so)."""
    project = tmp_path / "project"
    shutil.copytree(basic_build, project, symlinks=True)
    before = _outputs(project)
    assert len(before) == 3
    article = project / "manuscript" / "articles" / "closing.md"
    added = "".join(f"\n第{i}段：新增的文字，让每个输出都要重建，排版也多花一些时间。\n" for i in range(200))
    article.write_text(article.read_text(encoding="utf-8") + added, encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "publish", "-C", str(project), "-v"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    for line in process.stderr:
        if re.match(r"test-monthly\S*\.(pdf|epub): ", line):  # a writer has started
            break
    assert process.poll() is None, "the build ended before any writer started"
    return project, before, process


def _interrupt(process: subprocess.Popen, signum: int) -> tuple[int, str]:
    # Inside the first writer, before the EPUB (written once the layout gives its page marks)
    # can be done: 0.5 s was enough for it once the layout got faster.
    time.sleep(0.2)
    assert process.poll() is None, "the build finished before it could be interrupted"
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)
    return process.returncode, stderr


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_build_keeps_the_previous_outputs(basic_build, tmp_path, signum):
    project, before, process = _start_rebuild(basic_build, tmp_path)
    code, stderr = _interrupt(process, signum)
    assert code in (130, 128 + signum), (code, stderr)  # it stopped itself, cleaning up, not killed outright
    assert "Traceback" not in stderr
    assert "interrupted" in stderr
    assert _outputs(project) == before, "the previous EPUB and PDFs must be untouched"
    assert _temporaries(project) == []


def test_a_killed_build_keeps_the_previous_outputs_and_the_next_build_cleans_up(basic_build, tmp_path):
    project, before, process = _start_rebuild(basic_build, tmp_path)
    code, _ = _interrupt(process, signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert _outputs(project) == before
    result = run_publish("-C", str(project), "-q")
    assert result.returncode == 0, result.stderr
    assert _temporaries(project) == []
    assert _outputs(project) != before


def test_a_second_concurrent_build_stops_with_E302(basic_build, tmp_path):
    project, before, first = _start_rebuild(basic_build, tmp_path)  # holds the lock: it is writing
    second = run_publish("-C", str(project))
    assert first.poll() is None, "the first build must still be running"
    assert second.returncode == 1
    # The holder is named by its pid (make/build.py writes it into build/.lock).
    assert f"error E302: another publish (pid {first.pid}) is building this project" in second.stderr, second.stderr
    assert "Traceback" not in second.stderr
    _, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    after = _outputs(project)
    assert after.keys() == before.keys() and after != before
    with zipfile.ZipFile(project / "build" / "test-monthly.epub") as z:
        assert z.testzip() is None
    for name in ("test-monthly.pdf", "test-monthly-print.pdf"):
        assert after[name].startswith(b"%PDF-") and after[name].rstrip().endswith(b"%%EOF")


def test_builds_are_reproducible_and_honour_SOURCE_DATE_EPOCH(tmp_path):
    from pypdf import PdfReader

    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")  # 2023-11-14T22:13:20Z
    outputs = []
    for run in ("first", "second"):
        project = copy_case("basic", tmp_path / run)
        result = run_publish("-C", str(project), "-q", env=env)
        assert result.returncode == 0, result.stderr
        outputs.append(_outputs(project))
        time.sleep(1.1)  # a clock read anywhere would now differ
    assert outputs[0].keys() == outputs[1].keys() and len(outputs[0]) == 3
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], f"{name} differs between two builds of the same input"
    for name in ("test-monthly.pdf", "test-monthly-print.pdf"):
        metadata = PdfReader(io.BytesIO(outputs[0][name])).metadata
        assert metadata["/CreationDate"] == metadata["/ModDate"] == "D:20231114221320Z", name
    with zipfile.ZipFile(io.BytesIO(outputs[0]["test-monthly.epub"])) as z:
        opf = z.read("EPUB/content.opf").decode()
        assert '<meta property="dcterms:modified">2023-11-14T22:13:20Z</meta>' in opf
        assert {info.date_time for info in z.infolist()} == {(2023, 11, 14, 22, 13, 20)}
