"""Stage 4, the writers: the checked Book → the output files.

    epub/      the EPUB 3 (ebooklib), with the print edition's page-list
    pdf/       the screen and print PDFs (WeasyPrint), from one layout
    preview/   the HTML pages `publish serve` shows
    xhtml.py   the reading view's pages, which the EPUB and the preview share
    theme/     the default templates and CSS, under the project's styles/

target.py is the interface make drives them through; registry.py lists the targets.
"""
