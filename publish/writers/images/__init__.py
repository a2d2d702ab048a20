"""Each output's copy of an image, made once and kept in build/.cache/images/ under the
original's content digest and the parameters it was made with (JSON beside it, never pickle):

    epub.py    the EPUB's: upright, sRGB, within the stores' pixels and bytes; the cover
    raster.py  the PDFs' image data: the print PDF's originals as they are (or in the printer's
               CMYK), the screen PDF's downsampled to a screen's resolution, in sRGB
    colour.py  ImageCms: to sRGB, to CMYK, gamut loss, total ink
    svg.py     SVGs with their text in the bundled fonts
    cache.py   the digests and the files
"""
