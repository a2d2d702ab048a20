"""The bundled sample issue (manuscript/) built end to end, as `publish` does for a new user."""

from __future__ import annotations

import re
import shutil
import zipfile

import pytest
import yaml
from conftest import REPO, epubcheck, epubcheck_counts, run_publish, toc_entries
from pypdf import PdfReader


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    project = tmp_path_factory.mktemp("sample")
    shutil.copytree(REPO / "manuscript", project / "manuscript")
    result = run_publish("-C", str(project))
    assert result.returncode == 0, result.stderr
    return project


def _titles():
    names = []
    publication = yaml.safe_load((REPO / "manuscript" / "publication.yaml").read_text(encoding="utf-8"))
    for entry in publication["contents"]:
        names += entry["articles"] if isinstance(entry, dict) else [entry]
    titles, sections = {}, []
    for entry in publication["contents"]:
        if isinstance(entry, dict):
            sections.append(" ".join(x for x in (entry["title"], entry.get("title_en")) if x))
    for name in names:
        text = (REPO / "manuscript" / "articles" / f"{name}.md").read_text(encoding="utf-8")
        titles[name] = yaml.safe_load(text.split("---")[1])["title"]
    return titles, publication["slug"], sections


def test_publish_check_reports_nothing():
    result = run_publish("-C", str(REPO), "check")
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", f"publish check printed diagnostics:\n{result.stderr}"


def test_sample_epub_is_valid_and_has_every_article(sample, tmp_path):
    titles, slug, _ = _titles()
    epub = sample / "build" / f"{slug}.epub"
    counts = epubcheck_counts(report := epubcheck(epub, tmp_path))
    assert not any(counts.get(s) for s in ("FATAL", "ERROR", "WARNING", "USAGE")), report["messages"]
    with zipfile.ZipFile(epub) as z:
        for name in titles:
            assert f"EPUB/{name}.xhtml" in z.namelist()
        nav = z.read("EPUB/nav.xhtml").decode()
    for title in titles.values():
        assert f">{title.replace('&', '&amp;')}</a>" in nav, title


def test_sample_pdf_has_every_article_where_the_toc_says(sample):
    titles, slug, sections = _titles()
    pdf = sample / "build" / f"{slug}.pdf"
    pages = [re.sub(r"\s+", "", p.extract_text() or "") for p in PdfReader(pdf).pages]
    toc = toc_entries(pdf, sections)
    for name, title in titles.items():
        flat = re.sub(r"\s+", "", title)
        listed = next((n for entry, n in toc.items() if entry.startswith(flat)), None)
        assert listed, f"{title} is not in the 目录"
        assert flat in pages[listed - 1], f"{title}: 目录 says p.{listed}, but it is not there"


def test_sample_page_list_follows_the_print_edition(sample):
    from writers.epub.test_epub import page_list

    _, slug, _ = _titles()
    entries = page_list(sample / "build" / f"{slug}.epub")
    pdf = [re.sub(r"\s+", "", p.extract_text() or "") for p in PdfReader(sample / "build" / f"{slug}.pdf").pages]
    assert len(entries) >= len(pdf) - 4, "every printed page of the articles is in the page-list"
    misplaced = [(label, text) for label, _, text in entries if text[:4] not in pdf[int(label) - 1]]
    assert not misplaced, misplaced[:5]


def test_sample_screen_pdf_text_has_the_body_paragraphs_verbatim(sample):
    """pdftotext of the screen PDF (the text block only, without heads and folios) contains the
    paragraphs of the manuscript as they were rendered: no lost, reordered or inserted characters."""
    import html
    import subprocess

    from publish.checks import check
    from publish.diagnostics import Report

    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is needed; .ci/run installs it"
    model = check(sample, Report())
    paragraphs = []
    for item in model.rendered:
        for body in re.findall(r'<p id="[^"]+">(.*?)</p>', item.html, re.S):
            flat = re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", body)))
            if flat:
                paragraphs.append(flat)
    _, slug, _ = _titles()
    # The text block of a 285 mm page: below the 22 mm head margin, above the 20 mm foot margin.
    text = subprocess.run([pdftotext, "-raw", "-y", "63", "-H", "688", "-W", "700", str(sample / "build" / f"{slug}.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    missing = [p for p in paragraphs if p not in flat]
    share = 1 - len(missing) / len(paragraphs)
    print(f"{len(paragraphs) - len(missing)} of {len(paragraphs)} paragraphs verbatim ({share:.2%})")
    assert share >= 0.995, [m[:40] for m in missing[:10]]
