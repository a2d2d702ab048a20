"""The markup contract: what every reader's XHTML fragment gives the writers.

The writers rely on these, and nothing else, of a RenderedArticle's `html`:

Ids (all prefixed with the article's name, so that they are unique in one PDF document):
  <name>                the article itself (the writers' templates put it on the article's element)
  <name>-p<n>           every paragraph, <p id="…">, numbered in document order with list items and
  <name>-li<n>          table rows (<li id>, <tr id>): the EPUB's page-list and the PDF's page map
  <name>-tr<n>          name the element each printed page begins in (writers/pdf/pagemap.py)
  <name>-h<n>           headings without an explicit id; `{#x}` gives <name>-x
  <name>-fig<n>         <figure id class="figure">, n the publication-wide figure number
  <name>-fn<n>, <name>-fnref<n>[-<k>]   footnotes and their references

Blocks: the elements in BLOCKS carry those ids; a printed page that starts inside one is marked
at its character offset, counted over the element's text (entities count as one character).

Text: Chinese typography is markup, never new characters (cjk/typography.py):
  <span class="as-l">, <span class="as-r">, <span class="as-l as-r">   a Latin run with a quarter
                        em on the Han side(s); the text inside is escaped text, never markup
  <span class="halt">   one full-width mark, compressed to half width (the OpenType halt feature)
The PDF writer rewrites exactly these spans (writers/pdf/autospace.py); the EPUB keeps them.

Figures: <figure id class="figure"><img src="images/…" alt/>
  <figcaption><span class="figure-label">图N</span><span class="caption">…</span>
  <span class="credit">…</span></figcaption></figure>; image hrefs are Asset.href.
Links: internal links are href="#<id>" (any article's id): the EPUB points them into the file
that has the id. Notes: <aside epub:type="footnote" class="footnote" id>, <sup class="noteref">.
"""

from __future__ import annotations

from ..cjk.typography import SPAN_CLASSES

# Elements that carry ids in the rendered articles, in which a printed page can begin.
BLOCKS = ("p", "h2", "h3", "h4", "li", "tr", "figure", "aside")

__all__ = ["BLOCKS", "SPAN_CLASSES"]
