"""TeX math → MathML (latex2mathml), the TeX kept as alttext: the EPUB carries MathML, the PDF
writer draws it (writers/pdf/math.py). A formula latex2mathml cannot read is a MathError."""

from __future__ import annotations

import re

from lxml import etree

# Environments latex2mathml lacks, rewritten into ones it has (the layout is the same or close).
_ENVIRONMENTS = {
    "aligned": "align*", "alignedat": "align*", "split": "align*", "flalign": "align*", "flalign*": "align*",
    "gathered": "array}{c", "gather": "array}{c", "gather*": "array}{c", "multline": "array}{c",
    "multline*": "array}{c", "eqnarray": "array}{rcl", "eqnarray*": "array}{rcl",
}
_BEGIN = re.compile(r"\\begin\{(\w+\*?)\}(\{\d+\})?")
_END = re.compile(r"\\end\{(\w+\*?)\}")
_DROPPED = re.compile(r"\\(?:label|nonumber|notag)(?:\{[^{}]*\})?")
_WRAPPERS = re.compile(r"\\(?:begin|end)\{(?:equation\*?|displaymath|math)\}")
_CIRCLED = re.compile(r"\\textcircled\{\s*(\d{1,2})\s*\}")
_UNKNOWN = re.compile(r"<m[io][^>]*>\\([A-Za-z]+)</m[io]>")


class MathError(ValueError):
    pass


# latex2mathml's exceptions, said as an author would understand them.
_PROBLEMS = {
    "NoAvailableTokensError": "it ends too early: a brace not closed, or a command without its argument",
    "DenominatorNotFoundError": "a fraction without its denominator",
    "NumeratorNotFoundError": "a fraction without its numerator",
    "DoubleSubscriptsError": "two subscripts in a row (x_a_b): group them, x_{ab}",
    "DoubleSuperscriptsError": "two superscripts in a row (x^a^b): group them, x^{ab}",
    "ExtraLeftOrMissingRightError": "a \\left without its \\right",
    "MissingEndError": "a \\begin{…} without its \\end{…}",
    "MissingSuperScriptOrSubscriptError": "a ^ or _ with nothing after it",
    "LimitsMustFollowMathOperatorError": "\\limits after something that is no operator",
    "InvalidAlignmentError": "an array's column alignment is not l, c or r",
}


def _circled(match: re.Match) -> str:
    number = int(match.group(1))
    return rf"\text{{{chr(0x2460 + number - 1)}}}" if 1 <= number <= 20 else match.group(0)


def prepare(tex: str) -> str:
    """The TeX with the constructs latex2mathml does not know rewritten into ones it does."""
    tex = _DROPPED.sub("", _WRAPPERS.sub("", tex))
    tex = _CIRCLED.sub(_circled, tex).replace("\\newline", "\\\\ ")
    tex = _BEGIN.sub(lambda m: "\\begin{" + _ENVIRONMENTS.get(m.group(1), m.group(1)) + "}"
                     + ((m.group(2) or "") if m.group(1) not in _ENVIRONMENTS else ""), tex)
    return _END.sub(lambda m: "\\end{" + _ENVIRONMENTS.get(m.group(1), m.group(1)).split("}")[0] + "}", tex)


def to_mathml(tex: str, display: bool) -> str:
    """MathML for `tex`, with the original TeX as alttext; MathError saying what is wrong."""
    from latex2mathml.converter import convert

    source = tex.strip()
    if not source:
        raise MathError("an empty formula")
    prepared = prepare(source)
    try:
        mathml = convert(prepared, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises its own kinds and plain ones for bad TeX
        problem = _PROBLEMS.get(exc.__class__.__name__) or f"cannot read it ({exc.__class__.__name__}: {exc})"
        raise MathError(problem) from None
    unknown = _UNKNOWN.search(mathml)
    if unknown:
        raise MathError(f"unknown command \\{unknown.group(1)}")
    try:
        element = etree.fromstring(mathml)
    except etree.XMLSyntaxError:
        raise MathError("a construct latex2mathml cannot convert (an unsupported environment?)") from None
    element.set("alttext", source)
    return etree.tostring(element, encoding="unicode")


