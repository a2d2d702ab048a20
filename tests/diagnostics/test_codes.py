"""The registry of diagnostic codes: declared once, documented from it, used by name, suppressible."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO, copy_case, run_publish

from publish.diagnostics import Diagnostic, Report, Severity, Suppression, codes

DOCS = (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")


def test_the_docs_table_is_the_registry():
    assert codes.table() in DOCS, "regenerate it: python -m publish.diagnostics.codes"


def test_the_severity_follows_the_code_and_is_not_chosen_at_the_call_site():
    for code in codes.REGISTRY.values():
        assert code.severity is (Severity.ERROR if code.code.startswith("E") else Severity.WARNING)
    report = Report()
    report.add(codes.BROKEN_LINK, "x")
    report.add(codes.NO_ALT_TEXT, "y")
    assert [d.severity for d in report.items] == [Severity.ERROR, Severity.WARNING]


def test_no_module_writes_a_code_as_a_literal():
    """Call sites name the registry's entries (codes.BROKEN_LINK), never "E206"."""
    literal = re.compile(r"""["'][EW]\d{3}["']""")
    found = [f"{path.relative_to(REPO)}:{number}" for path in (REPO / "publish").rglob("*.py")
             if path.name != "codes.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if literal.search(line)]
    assert not found, found


def test_explain_prints_what_a_code_means(tmp_path):
    result = run_publish("explain", "e206", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("E206 (error): broken internal link"), result
    assert run_publish("explain", "E999", cwd=tmp_path).returncode == 1


def test_a_suppression_matches_its_code_and_its_files():
    root = Path("/project")
    warning = Diagnostic.of(codes.LOW_RESOLUTION, "low", root / "manuscript/articles/brief-1.md", 3, 1)
    assert Suppression("W209").matches(warning, root)
    assert Suppression("W209", "manuscript/articles/brief-*.md").matches(warning, root)
    assert not Suppression("W209", "manuscript/articles/case-*.md").matches(warning, root)
    assert not Suppression("W213").matches(warning, root)
    report = Report()
    report.add(codes.LOW_RESOLUTION, "low", root / "manuscript/articles/brief-1.md", 3, 1)
    report.add(codes.NO_ALT_TEXT, "alt", root / "manuscript/articles/brief-1.md", 4, 1)
    report.suppress((Suppression("W209"),), root)
    report.add(codes.LOW_RESOLUTION, "again", root / "manuscript/articles/brief-2.md", 1, 1)
    assert [d.code for d in report.items] == ["W213"] and report.suppressed == 2


def _with_suppress(tmp_path: Path, entry: str) -> Path:
    project = copy_case("errors/W213-no-alt-text", tmp_path)
    yaml = project / "manuscript" / "publication.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + f"suppress: [{entry}]\n", encoding="utf-8")
    return project


def test_publication_yaml_suppresses_a_warning_and_the_run_says_so(tmp_path):
    project = _with_suppress(tmp_path, "W213")
    result = run_publish("-C", str(project), "check")
    assert result.returncode == 0, result.stderr
    assert "W213" not in result.stderr
    assert "1 warning(s) suppressed by publication.yaml" in result.stderr


def test_an_error_cannot_be_suppressed(tmp_path):
    project = _with_suppress(tmp_path, "E206")
    result = run_publish("-C", str(project), "check")
    assert result.returncode == 1
    assert "error E104: 'suppress': E206 is an error, which cannot be suppressed" in result.stderr, result.stderr
    unknown = run_publish("-C", str(_with_suppress(tmp_path / "x", "W999")), "check")
    assert "W999 is no diagnostic code" in unknown.stderr, unknown.stderr
