"""WeasyPrint's C declarations loaded as cffi's compiled type tables, not parsed at each start.

weasyprint.text.ffi declares its Pango, HarfBuzz and fontconfig functions in cffi's in-line
ABI mode: the declarations are parsed, and each of its seven `dlopen`s builds accessors for all
of them, 0.45 s of the 0.9 s WeasyPrint takes to import, paid by every process that lays out
pages (the PDF job and each of its run workers, after every edit). cffi's out-of-line ABI mode
(`set_source(name, None)`) is the documented remedy: the declarations compiled once into type
tables that load in a few milliseconds and give the same library objects.

`install()` puts a finder before Python's: when weasyprint.text.ffi is imported, it runs that
module's own source with its `ffi = cffi.FFI(); ffi.cdef(...)` replaced by the FFI built from
the tables in cdefs.json, made from the same declarations (`python -m
publish.writers.pdf.cdefs` writes them). The tables are used only if the module's declarations
are, to the byte, those they were made from (their SHA-256); otherwise, as for an import that
is not WeasyPrint 70's, the module is imported as it is. tests/writers/pdf/test_cdefs.py checks
every declared function and type against cffi's own parse.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.abc
import importlib.machinery
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

MODULE = "weasyprint.text.ffi"
TABLES = Path(__file__).with_name("cdefs.json")
NAME = "_publish_weasyprint_ffi"  # the compiled FFI's module name, as cffi records it


def install() -> None:
    """Make the next import of weasyprint.text.ffi use the compiled tables (once per process)."""
    if MODULE not in sys.modules and not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if name != MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.origin is None:
            return None
        loaded = _compiled(Path(spec.origin))
        if loaded is None:
            return None  # not the declarations the tables were made from: imported as it is
        spec.loader = _Loader(*loaded)
        return spec


class _Loader(importlib.abc.Loader):
    def __init__(self, code: Any, ffi: Any) -> None:
        self.code, self.ffi = code, ffi

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None  # the default module

    def exec_module(self, module: ModuleType) -> None:
        module.__dict__["ffi"] = self.ffi
        exec(self.code, module.__dict__)


def _compiled(origin: Path) -> tuple[Any, Any] | None:
    """(the module's code without its FFI's making, the FFI from the tables), or None."""
    import _cffi_backend

    tree = ast.parse(origin.read_bytes(), str(origin))
    made = _making(tree)
    if made is None or not TABLES.is_file():
        return None
    nodes, cdef = made
    tables = json.loads(TABLES.read_text(encoding="utf-8"))
    if tables.get("sha256") != hashlib.sha256(cdef.encode()).hexdigest():
        return None
    try:
        ffi = _cffi_backend.FFI(NAME, **_decoded(tables["tables"]))
    except (ImportError, TypeError, ValueError):  # tables in a format this cffi does not read
        return None
    tree.body = [node for node in tree.body if node not in nodes]
    return compile(tree, str(origin), "exec"), ffi


def _making(tree: ast.Module) -> tuple[list[ast.stmt], str] | None:
    """The statements `ffi = cffi.FFI()` and `ffi.cdef("…")` at the module's top, and the text."""
    assign = cdef = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and ast.unparse(node) == "ffi = cffi.FFI()":
            assign = node
        elif (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
              and ast.unparse(node.value.func) == "ffi.cdef" and len(node.value.args) == 1
              and not node.value.keywords and isinstance(node.value.args[0], ast.Constant)
              and isinstance(node.value.args[0].value, str)):
            cdef = node
    if assign is None or cdef is None:
        return None
    text = cdef.value.args[0].value  # type: ignore[attr-defined]
    return [assign, cdef], text


# -- making the tables (python -m publish.writers.pdf.cdefs) ---------------------------------

def tables_of(cdef: str) -> dict[str, Any]:
    """cffi's compiled tables of `cdef` (as JSON: bytes as {"b": latin-1 text}, tuples as lists)."""
    import tempfile

    import cffi

    builder = cffi.FFI()
    builder.cdef(cdef)
    builder.set_source(NAME, None)  # ABI mode, out of line: the tables as a Python module
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"{NAME}.py"
        builder.emit_python_code(str(path))
        module = ast.parse(path.read_text(encoding="utf-8"))
    call = next(node.value for node in module.body
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call))
    return {keyword.arg: _encoded(ast.literal_eval(keyword.value)) for keyword in call.keywords if keyword.arg}


def _encoded(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"b": value.decode("latin-1")}
    if isinstance(value, tuple):
        return [_encoded(item) for item in value]
    return value


def _decoded(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"b"}:
            return value["b"].encode("latin-1")
        return {key: _decoded(item) for key, item in value.items()}
    if isinstance(value, list):
        return tuple(_decoded(item) for item in value)
    return value


def source_cdef() -> str:
    """The declarations in the installed weasyprint.text.ffi's source."""
    spec = importlib.machinery.PathFinder.find_spec(MODULE, _text_path())
    assert spec is not None and spec.origin is not None
    made = _making(ast.parse(Path(spec.origin).read_bytes()))
    if made is None:
        raise SystemExit(f"{spec.origin}: no `ffi = cffi.FFI()` and `ffi.cdef(...)` at its top")
    return made[1]


def _text_path() -> list[str]:
    spec = importlib.machinery.PathFinder.find_spec("weasyprint")
    assert spec is not None and spec.submodule_search_locations is not None
    return [str(Path(location) / "text") for location in spec.submodule_search_locations]


def main() -> None:
    cdef = source_cdef()
    data = {"sha256": hashlib.sha256(cdef.encode()).hexdigest(), "tables": tables_of(cdef)}
    TABLES.write_text(json.dumps(data, ensure_ascii=True, sort_keys=True, indent=0) + "\n", encoding="utf-8")
    sys.stdout.write(f"{TABLES}: {len(cdef)} characters of declarations\n")


if __name__ == "__main__":
    main()
