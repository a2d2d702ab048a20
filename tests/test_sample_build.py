"""The bundled sample issue (manuscript/) built end to end, as `publish` does for a new user."""

from __future__ import annotations

import re
import shutil
import zipfile

import pytest
import yaml
from pypdf import PdfReader

from conftest import REPO, epubcheck, epubcheck_counts, run_publish
from test_pdf import toc_entries


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
