"""The @font-face files linked into WeasyPrint's font folder (writers/pdf/fontfiles.py): the same
PDF bytes as stock WeasyPrint's copies, a link in place of each copy (every process maps the one
file), the folders in one folder of the user's, those of ended processes removed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FONT = Path(__file__).parents[3] / "fonts" / "NotoSansMonoCJKPublish-Regular.otf"

_SCRIPT = r"""
import json, os, sys
from pathlib import Path
import weasyprint
from weasyprint.text.fonts import FontConfiguration
from publish.writers.pdf import fontfiles
from publish.writers.pdf.fetcher import ConfinedFetcher
if sys.argv[1] == "patched":
    fontfiles.install()
fetcher = ConfinedFetcher({"fonts/mono.otf": Path(sys.argv[2])})
fonts = FontConfiguration()
css = weasyprint.CSS(string="@font-face { font-family: Mono; src: url(fonts/mono.otf) } p { font-family: Mono }",
                     base_url=fetcher.base_url, url_fetcher=fetcher, font_config=fonts)
html = weasyprint.HTML(string="<p>print(\"漢字かな\")</p>", base_url=fetcher.base_url, url_fetcher=fetcher)
pdf = html.write_pdf(stylesheets=[css], font_config=fonts)
folder = fonts._folder
print(json.dumps({"pdf": pdf.hex(), "folder": str(folder),
                  "entries": {p.name: os.readlink(p) if p.is_symlink() else None for p in folder.iterdir()}}))
"""


def _run(kind: str, tmp_path: Path) -> dict:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", _SCRIPT, kind, str(FONT)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_fonts_are_linked_not_copied_and_the_pdf_is_the_same(tmp_path):
    stock, patched = _run("stock", tmp_path), _run("patched", tmp_path)
    assert patched["pdf"] == stock["pdf"]
    assert list(stock["entries"].values()) == [None]  # WeasyPrint's own: a copy
    assert list(patched["entries"].values()) == [str(FONT.resolve())]
    folder = Path(patched["folder"])
    assert folder.parent == tmp_path / f"publish-fonts-{os.getuid()}"
    assert folder.name.split("-")[0].isdigit()


def test_the_folders_of_ended_processes_are_removed(tmp_path):
    root = tmp_path / f"publish-fonts-{os.getuid()}"
    root.mkdir(mode=0o700)
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    gone = root / f"{ended.stdout.strip()}-weasyprint-abc"  # a process that has ended (killed, say)
    alive = root / f"{os.getpid()}-weasyprint-def"  # this one, still running
    for folder in (gone, alive):
        folder.mkdir()
        (folder / "face").symlink_to(FONT)
    _run("patched", tmp_path)
    assert not gone.exists() and alive.exists()


def test_a_folder_open_to_others_is_not_used(tmp_path):
    root = tmp_path / f"publish-fonts-{os.getuid()}"
    root.mkdir()
    root.chmod(0o777)
    patched = _run("patched", tmp_path)
    assert Path(patched["folder"]).parent == tmp_path  # WeasyPrint's own place, its mkdtemp
    assert json.dumps(patched["entries"])  # and the font still found
