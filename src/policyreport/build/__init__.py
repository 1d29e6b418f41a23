"""The report build: the spec, executing notebooks, assembling HTML, embedding fonts, the PDF.

The top layer: it may import `data` and `authoring`."""
