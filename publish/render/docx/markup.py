"""mammoth's HTML → the markup contract of render/contract.py.

    the title again (the first heading)    dropped: the article's opener prints the title
    Heading 1–5 (convert.py: <h2>–<h6>)    <h2>–<h6 id="<name>-h<n>">: h1 is the article's title
    <p>, <li>, <tr>                        ids <name>-p<n>, -li<n>, -tr<n> (one count, as Markdown)
    <td><p>x</p></td>                      <td>x</td>; tables in <div class="table">
    <p class="caption">表 1 …</p><table>    the table's <caption>
    <p><img/></p><p class="caption">图 1 …  <figure id="<name>-fig<N>" class="figure"> with 图N and
                                           the caption (its own "图 1" taken off: 图N replaces it)
    footnotes (mammoth's <ol> at the end)  EPUB 3 notes, linked both ways, as the Markdown reader's
    <a id="bookmark">, href="#bookmark"    <name>-bookmark: internal links, checked across articles
    text                                   typeset(): 中西文间距 and 标点挤压 as spans
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from lxml import etree

from ...cjk.typography import typeset
from ...model import Asset, Figure, Link

_VOID = {"img", "br", "hr"}
_BLOCKS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "caption", "figcaption", "pre", "aside"}
_LABEL = re.compile(r"^\s*(?:图|圖|Figure|Fig\.?)\s*[0-9一二三四五六七八九十〇.．\-–—]+\s*[:：.．、]?\s*", re.I)
_BOOKMARK = re.compile(r"[^\w-]")  # a Word bookmark's name as the rest of an id
_NOTE = re.compile(r"^#((?:foot|end)note)-(\d+)$")


@dataclass
class Marked:
    html: str
    figures: list[Figure] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    has_notes: bool = False


def _text(element: etree._Element) -> str:
    return re.sub(r"\s+", " ", "".join(str(t) for t in element.itertext())).strip()


def _up(element: etree._Element) -> etree._Element:
    """The parent of an element that has one (everything but the fragment's root)."""
    parent = element.getparent()
    assert parent is not None, element.tag
    return parent


def _only_image(element: etree._Element) -> etree._Element | None:
    """The image placeholder a paragraph holds and nothing else (but white space and breaks)."""
    children = [c for c in element if c.tag != "br"]
    if len(children) != 1 or children[0].get("class") != "docx-image" or _text(element):
        return None
    return children[0]


class Markup:
    def __init__(self, name: str, title: str, first_figure: int,
                 image: Callable[[str], tuple[Asset | None, str]]):
        self.name, self.title = name, title
        self.next_figure = first_figure
        self.image = image  # placeholder id → (its Asset or None, its alt text)
        self.marked = Marked("")
        self.counter = 0
        self.headings = 0

    def anchor(self, local: str) -> str:
        found = f"{self.name}-{local}"
        self.marked.ids.add(found)
        return found

    # -- the tree -------------------------------------------------------------------------

    def transform(self, root: etree._Element) -> None:
        _wrap_loose_text(root)
        notes = self._take_notes(root)
        self._drop_repeated_title(root)
        self._figures_and_captions(root)
        if notes is not None:
            root.append(notes)
        for element in list(root.iter()):
            self._element(element)

    def _drop_repeated_title(self, root: etree._Element) -> None:
        first = next(iter(root), None)
        if first is not None and first.tag in ("h1", "h2", "h3") and _text(first) == self.title:
            root.remove(first)

    def _take_notes(self, root: etree._Element) -> etree._Element | None:
        """mammoth's note list (<ol><li id="footnote-1">…) → <section class="footnotes"> of asides."""
        numbers: dict[str, int] = {}
        for link in root.iter("a"):
            found = _NOTE.match(link.get("href") or "")
            if found and (link.get("id") or "").startswith(f"{found.group(1)}-ref-"):
                key = f"{found.group(1)}-{found.group(2)}"
                numbers.setdefault(key, len(numbers) + 1)
                number = numbers[key]
                sup = link
                while _up(sup).tag == "sup" and not _outside(sup):
                    sup = _up(sup)
                reference = etree.Element("sup", {"class": "noteref"})
                anchor = etree.SubElement(reference, "a", {"data-epub-type": "noteref", "role": "doc-noteref",
                                                            "id": self.anchor(f"fnref{number}"),
                                                            "href": f"#{self.name}-fn{number}"})
                anchor.text = str(number)
                reference.tail = sup.tail
                _up(sup).replace(sup, reference)
        if not numbers:
            return None
        section = etree.Element("section", {"class": "footnotes", "aria-label": "注释"})
        lists: set[etree._Element] = set()
        for key, number in sorted(numbers.items(), key=lambda item: item[1]):
            item = next((li for li in root.iter("li") if li.get("id") == key), None)
            if item is None:
                continue
            lists.add(_up(item))
            aside = etree.SubElement(section, "aside", {"data-epub-type": "footnote", "role": "doc-footnote",
                                                         "class": "footnote", "id": self.anchor(f"fn{number}")})
            etree.SubElement(aside, "span", {"class": "footnote-number"}).text = str(number)
            for back in [a for a in item.iter("a") if (a.get("href") or "").startswith(f"#{key.split('-')[0]}-ref")]:
                _remove_keeping_tail(back)
            paragraphs = [p for p in item if p.tag == "p"] or [item]
            for paragraph in paragraphs:
                if paragraph is item:
                    paragraph = etree.Element("p")
                    paragraph.text, paragraph[:] = item.text, list(item)
                paragraph.text = (paragraph.text or "").lstrip()
                aside.append(paragraph)
            last = aside[-1]
            backlink = etree.SubElement(last, "a", {"class": "backlink", "role": "doc-backlink",
                                                    "href": f"#{self.name}-fnref{number}", "aria-label": "返回正文"})
            backlink.text = "↩"
            _append_text(last, backlink, " ")
        for note_list in lists:
            if note_list.getparent() is not None and all((li.get("id") or "").startswith(("footnote-", "endnote-"))
                                                         for li in note_list):
                _up(note_list).remove(note_list)
        self.marked.has_notes = True
        return section

    def _figures_and_captions(self, root: etree._Element) -> None:
        for paragraph in list(root.iter("p")):
            if paragraph.getparent() is None:
                continue
            placeholder = _only_image(paragraph)
            following = paragraph.getnext()
            if placeholder is not None:
                caption = following if following is not None and following.get("class") == "caption" else None
                self._figure(paragraph, placeholder, caption)
            elif paragraph.get("class") == "caption" and following is not None and following.tag == "table":
                caption = etree.Element("caption")  # tables are not numbered by publish: "表 1" stays
                caption.text = _text(paragraph)
                following.insert(0, caption)
                _up(paragraph).remove(paragraph)

    def _figure(self, paragraph: etree._Element, placeholder: etree._Element, caption: etree._Element | None) -> None:
        asset, alt = self.image(placeholder.get("id") or "")
        number = self.next_figure
        self.next_figure += 1
        figure_id = self.anchor(f"fig{number}")
        # Word numbers its captions itself ("图 1 …", a SEQ field); 图N replaces that number.
        caption_text = _LABEL.sub("", _text(caption) if caption is not None else alt)
        figure = etree.Element("figure", {"id": figure_id, "class": "figure"})
        if asset is not None:
            etree.SubElement(figure, "img", {"src": asset.href, "alt": alt})
        else:
            etree.SubElement(figure, "p", {"class": "missing-image"}).text = alt
        figcaption = etree.SubElement(figure, "figcaption")
        etree.SubElement(figcaption, "span", {"class": "figure-label"}).text = f"图{number}"
        if caption_text:
            etree.SubElement(figcaption, "span", {"class": "caption"}).text = caption_text
        self.marked.figures.append(Figure(number, figure_id, alt, caption_text, None, asset))
        figure.tail = paragraph.tail
        _up(paragraph).replace(paragraph, figure)
        if caption is not None and caption.getparent() is not None:
            _up(caption).remove(caption)

    def _element(self, element: etree._Element) -> None:
        if element.getparent() is None and element.tag != "div":
            return  # taken out of the tree on the way (a cell's only paragraph, unwrapped)
        tag = element.tag
        if tag in ("td", "th") and len(element) == 1 and element[0].tag == "p" and not (element.text or "").strip():
            only = element[0]
            element.text, element[:] = only.text, list(only)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            element.tag = f"h{max(2, int(tag[1]))}"
            self.headings += 1
            element.set("id", self.anchor(f"h{self.headings}"))
        elif tag in ("p", "li", "tr"):
            self.counter += 1
            element.set("id", self.anchor(f"{tag}{self.counter}"))
        elif tag == "span" and element.get("class") == "docx-image":
            asset, alt = self.image(element.get("id") or "")
            element.tag = "img" if asset is not None else "span"
            element.attrib.clear()
            if asset is not None:
                element.attrib.update({"src": asset.href, "alt": alt})
            else:
                element.set("class", "missing-image")
                element.text = alt
        elif tag == "a":
            self._link(element)
        elif tag == "table" and _up(element).get("class") != "table":
            wrapper = etree.Element("div", {"class": "table"})
            element.addprevious(wrapper)
            wrapper.append(element)

    def _link(self, element: etree._Element) -> None:
        href = element.get("href") or ""
        bookmark = element.get("id")
        if bookmark and not bookmark.startswith(self.name + "-") and element.get("data-epub-type") is None:
            element.set("id", self.anchor(_BOOKMARK.sub("-", bookmark)))
        if href.startswith("#") and not href.startswith(f"#{self.name}-"):
            target = f"{self.name}-{_BOOKMARK.sub('-', href[1:])}"
            element.set("href", f"#{target}")
            self.marked.links.append(Link(target, 1, href))


def _wrap_loose_text(root: etree._Element) -> None:
    """Text between blocks (what the sanitizer left of a tag it removed) in paragraphs of its own."""
    if root.text and root.text.strip():
        paragraph = etree.Element("p")
        paragraph.text, root.text = root.text.strip(), None
        root.insert(0, paragraph)
    for child in list(root):
        if child.tail and child.tail.strip():
            paragraph = etree.Element("p")
            paragraph.text, child.tail = child.tail.strip(), None
            child.addnext(paragraph)


def _outside(element: etree._Element) -> bool:
    """Whether the text around `element` in its parent makes the parent more than its wrapper."""
    parent = _up(element)
    return bool((parent.text or "").strip() or (element.tail or "").strip() or len(parent) > 1)


def _remove_keeping_tail(element: etree._Element) -> None:
    parent = _up(element)
    previous = element.getprevious()
    tail = (element.tail or "").rstrip()
    if previous is not None:
        previous.tail = (previous.tail or "").rstrip() + tail
    else:
        parent.text = (parent.text or "").rstrip() + tail
    parent.remove(element)


def _append_text(parent: etree._Element, before: etree._Element, text: str) -> None:
    previous = before.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "").rstrip() + text
    else:
        parent.text = (parent.text or "").rstrip() + text


# -- serialising, with Chinese typography on the text --------------------------------------------

def serialise(root: etree._Element) -> str:
    """The children of `root` as XHTML; text typeset, code escaped, data-epub-type as epub:type."""
    pieces: list[str] = []
    for child in root:
        _write(child, pieces, code=False)
        pieces.append("\n")
    return "".join(pieces)


def _attributes(element: etree._Element) -> str:
    out = []
    for key, value in element.attrib.items():
        name = "epub:type" if key == "data-epub-type" else str(key)
        out.append(f' {name}="{escape(str(value))}"')
    return "".join(out)


def _write(element: etree._Element, out: list[str], code: bool) -> None:
    tag = str(element.tag)
    # Code, and the labels publish makes (图3, a note's number), are set as they are.
    code = code or tag in ("code", "pre") or element.get("class") in ("figure-label", "footnote-number")
    if tag in _VOID:
        out.append(f"<{tag}{_attributes(element)} />")
    else:
        out.append(f"<{tag}{_attributes(element)}>")
        out.append(_typeset(element.text or "", element, code, inner=True))
        for child in element:
            _write(child, out, code)
            out.append(_typeset(child.tail or "", child, code, inner=False))
        out.append(f"</{tag}>")


def _typeset(text: str, element: etree._Element, code: bool, inner: bool) -> str:
    if not text:
        return ""
    if code:
        return escape(text, quote=False)
    before, after = _neighbours(element, inner)
    return typeset(text, before, after)


def _neighbours(element: etree._Element, inner: bool) -> tuple[str, str]:
    """The characters just before and after a text node, within its block (for typeset)."""
    if inner:  # element.text: after it comes the first child's text
        first = next(iter(element), None)
        return "", (first.text or "")[:1] if first is not None and first.tag not in _BLOCKS else ""
    following = element.getnext()
    before = _text(element)[-1:] if element.tag not in _BLOCKS else ""
    after = (following.text or "")[:1] if following is not None and following.tag not in _BLOCKS else ""
    return before, after
