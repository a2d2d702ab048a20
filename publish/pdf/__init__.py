"""PDF output: WeasyPrint with a confined URL fetcher and Chinese justification."""
