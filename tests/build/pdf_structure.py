"""A test helper, not a test: the structure tree of a tagged PDF, read with pikepdf, for
tests/build/test_pdf.py and test_pdftags.py."""

import pikepdf


def structure(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element the tree reaches, in document order."""
    found = []

    def walk(node):
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                found.append(kid)
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return found
