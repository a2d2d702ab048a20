"""Property-based tests (hypothesis): whatever a contributor sends, publish answers with diagnostics.

Random front matter, publication.yaml and Markdown bodies go through the whole load-and-check
pipeline (publish.checks.check) in this process: no exception may escape, every problem must be a
Diagnostic with a documented code and a position, and a manuscript that checks clean must render
to well-formed XHTML with no active content. A few random manuscripts also go through the CLI:
bodies and publication.yaml built to all three outputs, front matter and publication.yaml through
`publish check` and `publish epub`.

The default budget (2,100 examples in this process, 4 + 6 through the CLI) keeps the fuzzing to
about a minute; set PUBLISH_FUZZ_EXAMPLES=N to run N examples per in-process test and N/20 per
CLI test, e.g. PUBLISH_FUZZ_EXAMPLES=5000 (the nightly size) for 20,000 + 250 + 250.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import string
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from publish.checks import check
from publish.diagnostics import Diagnostic, Report
from publish.source.schema import ARTICLE, PUBLICATION, SECTION

DOCS = (Path(__file__).resolve().parent.parent / "docs" / "diagnostics.md").read_text(encoding="utf-8")
CODES = set(re.findall(r"^\| ([EW]\d{3}) \|", DOCS, flags=re.M))
BUDGET = int(os.environ.get("PUBLISH_FUZZ_EXAMPLES", "0"))


def fuzz_settings(default: int, share: int = 1):
    examples = max(1, BUDGET // share) if BUDGET else default
    return settings(max_examples=examples, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])


# -- the alphabet of a hostile contributor -------------------------------------------------------

CJK = "中文的一是在不了有和人这为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理世车"
PUNCT = "，。、；：？！“”‘’（）《》「」【】…—·"
UNCOVERED = "\U00013000\U0010fffd♔"  # no font; no font; only an installed font (W214)
CONTROL = "\x00\x01\x07\x0b\x0c\x1b\x7f\x85\u2028\ufeff\ufffe"
YAML_SYNTAX = ":-?[]{},&*!|>'\"%@`#~\t\n "
MARKDOWN_SYNTAX = "#*_`[]()!<>|:-=~^{}\\\n "
PLAIN = string.ascii_letters + string.digits + " " + CJK + PUNCT

text_chars = st.sampled_from(PLAIN * 4 + UNCOVERED + CONTROL)
plain_text = st.text(st.sampled_from(PLAIN), max_size=30)
messy_text = st.text(text_chars, max_size=40)
yaml_ish = st.text(st.sampled_from(PLAIN + YAML_SYNTAX * 3 + CONTROL), max_size=200)
markdown_ish = st.text(st.sampled_from(PLAIN + MARKDOWN_SYNTAX * 3 + CONTROL + UNCOVERED), max_size=300)

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    plain_text, messy_text, st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
                    st.sampled_from(["2020-02-15", "2020-02-30", "210mm", "-5mm", "1e9in", "zh-CN", "en\n",
                                     "images/none.png", "../../../etc/passwd", "/etc/passwd", "http://x/y.png",
                                     "", " ", "~", "null", "yes", "1", "2"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(plain_text, inner, max_size=4)),
                      max_leaves=12)


def keys_from(schema: dict) -> st.SearchStrategy[str]:
    """Real keys, near misses (the "did you mean" path) and nonsense."""
    real = list(schema)
    typo = st.sampled_from(real).flatmap(lambda k: st.sampled_from([k[:-1], k + "s", k.upper(), k.replace("_", "-")]))
    return st.one_of(st.sampled_from(real), typo, plain_text)


def yaml_mapping(schema: dict) -> st.SearchStrategy[str]:
    """Valid YAML (safe_dump) of a mapping with schema-like keys and random values."""
    return st.dictionaries(keys_from(schema), values, max_size=8).map(
        lambda d: yaml.safe_dump(d, allow_unicode=True, sort_keys=False))


def mutated(valid: str) -> st.SearchStrategy[str]:
    """`valid` with a few characters inserted, deleted or replaced: mostly still close to valid."""
    edits = st.lists(st.tuples(st.integers(0, len(valid)), st.integers(0, 3),
                               st.text(st.sampled_from(YAML_SYNTAX + MARKDOWN_SYNTAX + PLAIN[:20] + CONTROL),
                                       max_size=3)), min_size=1, max_size=4)

    def apply(changes) -> str:
        text = valid
        for position, deleted, inserted in changes:
            position = min(position, len(text))
            text = text[:position] + inserted + text[position + deleted:]
        return text
    return edits.map(apply)


VALID_FRONT = "title: 标题\nauthors: [张三, 李四]\nsummary: 导语。\ndate: 2020-02-15\ncolumns: 2\n"
VALID_PUB = ("title: 测试\nedition: 2020年2月号\ndate: 2020-02-15\npage:\n  width: 210mm\n  bleed: 3mm\n"
             "contents:\n  - a\n  - title: 栏目\n    title_en: Column\n    articles: [b]\n")
front_matter = st.one_of(yaml_mapping(ARTICLE), yaml_ish, mutated(VALID_FRONT))


def contents_entries() -> st.SearchStrategy:
    names = st.one_of(st.sampled_from(["a", "b", "c", "missing", "A", "x/y", "../a", "", "a.md"]), values)
    section = st.dictionaries(keys_from(SECTION), st.one_of(values, st.lists(names, max_size=3)), max_size=3)
    return st.lists(st.one_of(names, section), max_size=5)


publication_yaml = st.one_of(
    st.builds(lambda meta, contents: yaml.safe_dump({**meta, "contents": contents}, allow_unicode=True),
              st.dictionaries(keys_from(PUBLICATION), values, max_size=6), contents_entries()),
    yaml_ish, mutated(VALID_PUB))

IMAGE_PATHS = ["../images/dot.png", "images/dot.png", "../images/chart.svg", "../images/bad.svg",
               "../images/broken.png", "../images/missing.png", "../../../../etc/passwd", "/etc/passwd",
               "file:///etc/passwd", "http://example.com/x.png", "data:image/png;base64,AAAA", "javascript:alert(1)",
               "", "%00", "../images/" + "x" * 300 + ".png", "../images", "图一.png"]
LINK_TARGETS = ["#h1", "#nowhere", "a.md", "b.md#p1", "missing.md", "https://example.com", "mailto:a@b.c",
                "javascript:alert(1)", "vbscript:x", "data:text/html,x", "file:///etc/passwd", "//evil.example",
                "", "#", "a.md#", "?q=1", "\\\\server\\share"]
HTML = ["<script>alert(1)</script>", "<iframe src=x></iframe>", "<object data=x></object>", "<embed src=x>",
        '<a href="javascript:alert(1)" onclick="x()">链接</a>', '<img src=x onerror=alert(1)>',
        "<svg onload=alert(1)><circle/></svg>", "<style>body{}</style>", "<!-- 注释 -->", "<div><p>未闭合",
        "</div></span>", "<b>粗<i>斜</b></i>", '<span class="x" style="color:red">字</span>', "<br>", "<hr/>",
        "<table><tr><td>格</td></tr></table>", "<math><mi>x</mi></math>", "<p id=p1>重复</p>",
        "<a href='http://example.com' title='\"'>外链</a>", "<?php echo 1; ?>", "<![CDATA[x]]>", "<x-custom>自定义</x-custom>"]
blocks = st.one_of(
    plain_text, messy_text, markdown_ish,
    st.builds(lambda level, text, anchor: "#" * level + " " + text + anchor, st.integers(1, 7), plain_text,
              st.sampled_from(["", " {#id}", " {#p1}", " {#h2}", " {#背景}", " {#-x}", " {#id}"])),
    st.builds(lambda alt, path, caption: f"![{alt}]({path})" + caption, plain_text, st.sampled_from(IMAGE_PATHS),
              st.sampled_from(["", "\n图注。", "\n图注\n图/某某 摄", "\n来源：新华社"])),
    st.builds(lambda text, target: f"[{text}]({target})", plain_text, st.sampled_from(LINK_TARGETS)),
    st.builds(lambda target: f"<{target}>", st.sampled_from(LINK_TARGETS)),
    st.builds(lambda n: f"注释[^{n}]。", st.sampled_from(["1", "2", "x", "注", ""])),
    st.builds(lambda n, text: f"[^{n}]: {text}", st.sampled_from(["1", "2", "x"]), plain_text),
    st.builds(lambda kind, title, body: f"::: {kind} {title}\n{body}\n:::", st.sampled_from(["pullquote", "sidebar"]),
              plain_text, plain_text),
    st.builds(lambda lang, code: f"```{lang}\n{code}\n```", st.sampled_from(["", "python", "klingon", "{=html}",
                                                                             "js x=1"]), messy_text),
    st.builds(lambda a, b: f"| {a} | {b} |\n|---|---|\n| {b} | {a} |", plain_text, plain_text),
    st.sampled_from(HTML),
    st.lists(st.sampled_from(HTML), min_size=2, max_size=4).map("".join),
)


def joined(parts: st.SearchStrategy) -> st.SearchStrategy[str]:
    return st.lists(parts, max_size=12).flatmap(
        lambda items: st.lists(st.sampled_from(["\n", "\n\n", " ", "\r\n"]), min_size=len(items),
                               max_size=len(items)).map(lambda seps: "".join(p + s for p, s in zip(items, seps))))


markdown_bodies = joined(blocks)
# Bodies that should check clean, so that the writers (EPUB, PDF) get random but valid input too.
clean_bodies = joined(st.one_of(
    plain_text,
    st.builds(lambda level, text: "#" * level + " " + text, st.integers(2, 4), plain_text),
    st.builds(lambda alt, path: f"![图{alt}]({path})\n图注{alt}。", plain_text,
              st.sampled_from(["../images/dot.png", "../images/chart.svg"])),
    st.builds(lambda text, target: f"[{text}]({target})", plain_text, st.sampled_from(["a.md", "https://example.com"])),
    st.builds(lambda kind, body: f"::: {kind}\n{body}\n:::", st.sampled_from(["pullquote", "sidebar"]), plain_text),
    st.builds(lambda code: f"```python\n{code}\n```", plain_text),
    st.sampled_from(["<b>粗</b>", "<span class=\"x\">字</span><br>", "注释[^1]。\n\n[^1]: 注。"]),
))

SAFE_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10"/></svg>'
BAD_SVG = '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>'
DOT_PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b55"
                        "0000000a4944415478da63600000000200015e2a3b610000000049454e44ae426082")


def write_project(root: Path, publication: str | bytes, articles: dict[str, str | bytes]) -> Path:
    """A fresh project in `root` (emptied first): the given files plus a few images of every kind."""
    if root.exists():
        shutil.rmtree(root)
    (root / "manuscript" / "articles").mkdir(parents=True)
    images = root / "manuscript" / "images"
    images.mkdir()
    images.joinpath("dot.png").write_bytes(DOT_PNG)
    images.joinpath("broken.png").write_bytes(DOT_PNG[:30])
    images.joinpath("chart.svg").write_text(SAFE_SVG, encoding="utf-8")
    images.joinpath("bad.svg").write_text(BAD_SVG, encoding="utf-8")
    for path, content in [("manuscript/publication.yaml", publication),
                          *((f"manuscript/articles/{name}.md", text) for name, text in articles.items())]:
        data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
        (root / path).write_bytes(data)
    return root


def article(front: str, body: str) -> str:
    return f"---\n{front}\n---\n\n{body}\n"


XHTML_WRAP = ('<div xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">{}</div>')
_SCRIPT_URL = re.compile(r"\s*(javascript|vbscript|data|file):", re.I)


def assert_only_diagnostics(root: Path) -> Report:
    """The property: check() raises nothing; what is wrong is said by documented, positioned diagnostics;
    what checks clean renders to well-formed XHTML without active content."""
    report = Report()
    model = check(root, report)
    event("checks clean" if model is not None else "refused with errors")
    for code in sorted({d.code for d in report.items}):
        event(f"diagnostic {code}")
    for item in report.items:
        assert isinstance(item, Diagnostic)
        assert item.code in CODES, item
        assert item.path is not None and (item.line or 1) >= 1 and (item.col or 1) >= 1, item
        assert item.format(root)
    if model is None:
        assert report.errors, "check() failed without saying why"
        return report
    for rendered in model.rendered:
        fragment = etree.fromstring(XHTML_WRAP.format(rendered.html))  # raises if ill-formed
        for element in fragment.iter():
            if not isinstance(element.tag, str):
                continue
            assert etree.QName(element).localname not in ("script", "iframe", "object", "embed", "style"), \
                rendered.html
            for attribute, value in element.attrib.items():
                assert not etree.QName(attribute).localname.lower().startswith("on"), rendered.html
                if etree.QName(attribute).localname in ("href", "src"):
                    assert not _SCRIPT_URL.match(value), rendered.html
    return report


@pytest.fixture
def root(tmp_path) -> Path:
    return tmp_path / "project"


@fuzz_settings(500)
@given(front=front_matter, body=st.sampled_from(["正文。", "", "## 小标题\n\n正文[^1]。\n\n[^1]: 注。"]))
def test_fuzz_front_matter(root, front, body):
    write_project(root, "title: 测试\ncontents: [a]\n", {"a": article(front, body)})
    assert_only_diagnostics(root)


@fuzz_settings(500)
@given(publication=publication_yaml,
       bodies=st.fixed_dictionaries({"a": st.just("正文。"), "b": st.just("[链接](a.md)"), "c": plain_text}))
def test_fuzz_publication_yaml(root, publication, bodies):
    write_project(root, publication, {name: article("title: 标题", body) for name, body in bodies.items()})
    assert_only_diagnostics(root)


@fuzz_settings(600)
@given(body_a=markdown_bodies, body_b=markdown_bodies)
def test_fuzz_markdown_bodies(root, body_a, body_b):
    write_project(root, "title: 测试\ncontents: [a, b]\n",
                  {"a": article("title: 甲", body_a), "b": article("title: 乙\ncolumns: 2", body_b)})
    assert_only_diagnostics(root)


@fuzz_settings(500)
@given(raw=st.binary(max_size=200), where=st.sampled_from(["publication", "article"]))
def test_fuzz_raw_bytes(root, raw, where):
    """Any bytes at all, in either kind of file (UTF-16, GBK, NUL, truncated UTF-8 …)."""
    if where == "publication":
        write_project(root, raw, {"a": article("title: 标题", "正文。")})
    else:
        write_project(root, "title: 测试\ncontents: [a]\n", {"a": b"---\ntitle: x\n---\n" + raw})
    assert_only_diagnostics(root)


@fuzz_settings(4, share=20)
@given(body=st.one_of(clean_bodies, markdown_bodies), publication=st.one_of(
    st.just("title: 测试\nslug: fuzz\ncontents: [a]\n"), st.just("title: 测试\nslug: fuzz\ncontents: [a]\n"),
    publication_yaml))
def test_fuzz_through_the_cli(tmp_path_factory, body, publication):
    """Random manuscripts built by the real command: exit 1 exactly when the check finds errors, else the
    three outputs; never a traceback."""
    root = write_project(tmp_path_factory.mktemp("cli") / "project", publication, {"a": article("title: 标题", body)})
    expected_errors = bool(assert_only_diagnostics(root).errors)
    result = subprocess.run([sys.executable, "-m", "publish", "-C", str(root), "-q"],
                            capture_output=True, text=True, timeout=600)
    assert "Traceback" not in result.stderr and "E303" not in result.stderr, result.stderr
    assert result.returncode == (1 if expected_errors else 0), result.stderr
    if expected_errors:
        assert re.search(r"^\S+:\d+:\d+: error [EW]\d{3}: ", result.stderr, re.M), result.stderr
    else:
        assert sorted(p.name for p in (root / "build").glob("fuzz*")) == ["fuzz-print.pdf", "fuzz.epub", "fuzz.pdf"]
    shutil.rmtree(root)


@fuzz_settings(6, share=20)
@given(front=front_matter, publication=st.one_of(publication_yaml, st.just("title: 测试\ncontents: [a, b, c]\n")),
       body=st.sampled_from(["正文。", "## 小标题\n\n正文[^1]。\n\n[^1]: 注。", "[链接](b.md)"]))
def test_fuzz_front_matter_and_publication_yaml_through_the_cli(tmp_path_factory, front, publication, body):
    """Random front matter and publication.yaml through `publish check` and, when that is clean,
    `publish epub`, as an author runs them: the exit code is the check's verdict, every problem a
    positioned diagnostic, never a traceback or E303. Part of the nightly-size run
    (PUBLISH_FUZZ_EXAMPLES=5000: 250 examples)."""
    root = write_project(tmp_path_factory.mktemp("cli-meta") / "project", publication,
                         {"a": article(front, body), "b": article("title: 乙", "正文。"), "c": article(front, "丙。")})
    expected_errors = bool(assert_only_diagnostics(root).errors)
    commands = ["check"] if expected_errors else ["check", "epub"]
    for command in commands:
        result = subprocess.run([sys.executable, "-m", "publish", "-C", str(root), "-q", command],
                                capture_output=True, text=True, timeout=600)
        assert "Traceback" not in result.stderr and "E303" not in result.stderr, result.stderr
        assert result.returncode == (1 if expected_errors else 0), (command, result.stderr)
        for line in result.stderr.splitlines():
            if " error " in line or " warning " in line:
                assert re.match(r"^\S.*:\d+:\d+: (error|warning) [EW]\d{3}: ", line), line
    if not expected_errors:
        assert list((root / "build").glob("*.epub"))
    shutil.rmtree(root)
