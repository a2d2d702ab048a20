"""WeasyPrint's C declarations from compiled tables (writers/pdf/cdefs.py): the same functions and
types as cffi's parse of the module's own declarations, used by the layout, and set aside when
the declarations are not those the tables were made from."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import _cffi_backend
import cffi
import pytest

from publish.writers.pdf import cdefs

LIBRARIES = ("libgobject-2.0.so.0", "libpango-1.0.so.0", "libharfbuzz.so.0", "libharfbuzz-subset.so.0",
             "libfontconfig.so.1", "libpangoft2-1.0.so.0")


def _compiled() -> object:
    tables = json.loads(cdefs.TABLES.read_text(encoding="utf-8"))
    return _cffi_backend.FFI(cdefs.NAME, **cdefs._decoded(tables["tables"]))


def _shape(ffi, ctype, depth: int = 0) -> object:
    """A C type as what a call depends on (kinds, sizes, fields), not its spelling: cffi names an
    opaque `typedef ... FcConfig` as such in-line, as `struct _FcConfig` when compiled."""
    kind = ctype.kind
    if kind == "primitive":
        return ctype.cname
    if kind == "function":
        return ("function", _shape(ffi, ctype.result, depth), tuple(_shape(ffi, a, depth) for a in ctype.args),
                ctype.ellipsis, ctype.abi)
    if kind in ("pointer", "array"):
        return (kind, ctype.length if kind == "array" else None,
                _shape(ffi, ctype.item, depth + 1) if depth < 2 else ctype.item.kind)
    if kind in ("struct", "union"):
        try:  # first: reading a compiled struct's fields before it is completed aborts in cffi 2.1
            size = ffi.sizeof(ctype)
        except (ValueError, cffi.FFIError, _cffi_backend.FFI.error):  # "of unknown size"
            return (kind, "opaque")
        return (kind, size, tuple((name, field.offset, _shape(ffi, field.type, depth + 1) if depth < 2
                                                else field.type.kind) for name, field in ctype.fields))
    if kind == "enum":
        return (kind, tuple(sorted(ctype.elements.items())))
    return kind


def test_the_tables_are_made_from_the_installed_declarations():
    tables = json.loads(cdefs.TABLES.read_text(encoding="utf-8"))
    assert tables["sha256"] == hashlib.sha256(cdefs.source_cdef().encode()).hexdigest(), \
        "WeasyPrint's declarations changed: python -m publish.writers.pdf.cdefs"


def test_every_function_and_type_as_cffi_parses_them():
    inline = cffi.FFI()
    inline.cdef(cdefs.source_cdef())
    compiled = _compiled()
    declarations = inline._parser._declarations  # "function name", "typedef name", "struct name"…
    functions = [key.split(" ", 1)[1] for key in declarations if key.startswith("function ")]
    assert len(functions) > 100
    libraries = [(inline.dlopen(name), compiled.dlopen(name)) for name in LIBRARIES]  # type: ignore[attr-defined]
    found = 0
    for function in functions:
        for lib_inline, lib_compiled in libraries:
            try:
                mine = getattr(lib_compiled, function)
            except (AttributeError, compiled.error):  # type: ignore[attr-defined]  # not in this library
                continue
            theirs = getattr(lib_inline, function)
            assert _shape(compiled, compiled.typeof(mine)) == _shape(inline, inline.typeof(theirs)), function  # type: ignore[attr-defined]
            found += 1
            break
    assert found >= len(functions) - 5  # a few declared for other library versions
    types = 0
    for key in declarations:
        kind, name = key.split(" ", 1)
        if kind in ("typedef", "struct", "union", "anonymous"):
            spelled = name if kind in ("typedef", "anonymous") else key
            assert _shape(compiled, compiled.typeof(spelled)) == _shape(inline, inline.typeof(spelled)), key  # type: ignore[attr-defined]
            types += 1
    assert types > 50


_SCRIPT = r"""
import sys
import publish.writers.pdf  # installs the finder
import weasyprint
from weasyprint.text import ffi
sys.stdout.write(type(ffi.ffi).__module__ + "\n")
sys.stdout.write(str(len(weasyprint.HTML(string="<p>中文 text</p>").write_pdf())))
"""


def test_weasyprint_imported_with_the_tables_lays_out():
    out = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True).stdout
    kind, size = out.split()
    assert kind == "_cffi_backend"  # the compiled FFI (in-line mode's is cffi.api.FFI)
    assert int(size) > 1000


def test_other_declarations_are_imported_as_they_are(tmp_path: Path):
    module = tmp_path / "ffi.py"
    module.write_text("import cffi\nffi = cffi.FFI()\nffi.cdef('int abs(int);')\n", encoding="utf-8")
    assert cdefs._compiled(module) is None  # another digest: the stock import


@pytest.mark.parametrize("source", ["ffi = make()\n", "import cffi\nffi = cffi.FFI()\nffi.cdef(TEXT)\n"])
def test_a_module_made_otherwise_is_imported_as_it_is(tmp_path: Path, source: str):
    module = tmp_path / "ffi.py"
    module.write_text(source, encoding="utf-8")
    assert cdefs._compiled(module) is None
