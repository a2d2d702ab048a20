"""The package's shape: its folders are the stages, no god modules, no cycles, layers kept."""

from __future__ import annotations

import shutil
import subprocess

from conftest import REPO

PACKAGE = REPO / "publish"
MAX_TOP_MODULES = 8
MAX_LINES = 400


def test_at_most_eight_modules_at_the_package_top():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_MODULES, top


def test_no_module_is_over_400_lines():
    long = {str(p.relative_to(REPO)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long


def test_the_layers_and_acyclic_contracts_hold():
    """import-linter (pyproject.toml): each stage imports only the ones below it, no cycles."""
    lint = shutil.which("lint-imports")
    assert lint, "import-linter is a test dependency: pip install -e '.[test]'"
    result = subprocess.run([lint, "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
