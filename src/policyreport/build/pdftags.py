"""The PDF's structure tree (PDF/UA-1): what WeasyPrint's `pdf/ua-1` variant leaves undone, done
in its finisher hook, on the pydyf objects before they are written.

WeasyPrint 70 tags the HTML (headings, paragraphs, lists, tables, figures with their alt text,
links, borders and backgrounds as artifacts), but

- describes each link annotation by its raw target (`/Contents (fact-wh_x)`); here it gets the
  title of the links to that target (the assembler writes "F13: what is measured"), else the
  text of the element the link leads to (a heading);
- gives header cells no /Scope; here each /TH gets the scope of its <th> (row → /Row, else
  /Column, which is how WeasyPrint associates an unscoped <th> with its data cells);
- writes one structure element per page fragment of an element that crosses a page break
  (WeasyPrint#2903): a table over three pages becomes three /Table. Here the fragments of one
  HTML element are merged back into one element whose content lies on several pages, and the
  table header a page break repeats is dropped from the tree;
- tags the page footer (a margin box) as /Span outside the tree; here everything the tree does
  not reach (footers, repeated table headers) is re-marked in the page's content stream as a
  pagination /Artifact;
- marks no change of language; here an element with its own `lang` gets /Lang.

To know which HTML element made which structure element, `recording()` wraps WeasyPrint's tree
builder (`weasyprint.pdf.tags._build_box_tree`, a private function of the pinned version) for
the duration of one rendering: it only records, and tests/build/test_pdf.py fails if an update
of WeasyPrint changes what it records.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

_ROW_SCOPES = ("row", "rowgroup")
_REPEATED_GROUPS = ("/THead", "/TFoot")


@contextmanager
def recording():
    """While open, WeasyPrint's tagging records `{structure element number: HTML element}`."""
    from weasyprint.pdf import tags

    build = tags._build_box_tree
    origins: dict[int, object] = {}

    def recorded(box, *args):
        # build() recurses through the module attribute, so every level passes through here;
        # the innermost call (the box that made the element) records first.
        for element in build(box, *args):
            origins.setdefault(element.number, getattr(box, "element", None))
            yield element

    tags._build_box_tree = recorded
    try:
        yield origins
    finally:
        tags._build_box_tree = build


def finisher(root, origins: dict[int, object]):
    """The `write_pdf(finisher=…)` callable for the HTML whose root element is `root`."""

    def finish(document, pdf) -> None:
        _describe_links(document, root)
        if "StructTreeRoot" in pdf.catalog:
            tree = _Tree(pdf, origins)
            tree.merge(tree.document)
            tree.scope_headers_and_languages(root.get("lang"))
            tree.mark_unreached_as_artifacts()

    return finish


def _string(value) -> str:
    return getattr(value, "string", value)


def _words(element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _name_of(element) -> str:
    """What a link to `element` leads to: a heading's words; for a section, its heading's; for
    a figure or table, its caption's; else the element's own words."""
    if element.tag not in _HEADINGS:
        for tags in (_HEADINGS, ("caption", "figcaption")):
            named = next((inner for inner in element.iter() if inner.tag in tags), None)
            if named is not None:
                return _words(named)
    return _words(element)


def link_descriptions(root) -> dict[str, str]:
    """target id -> how a link to it is described: the first title of a link to it, else the
    name of the target element (_name_of)."""
    targets = {}
    titles: dict[str, str] = {}
    for element in root.iter():
        if element.get("id") is not None:
            targets.setdefault(element.get("id"), element)
        href = element.get("href") or ""
        if element.tag == "a" and href.startswith("#") and not titles.get(href[1:]):
            titles[href[1:]] = (element.get("title") or "").strip()
    descriptions = {
        target: title or _name_of(targets[target])
        for target, title in titles.items()
        if target in targets
    }
    return {target: words for target, words in descriptions.items() if words}


def _describe_links(document, root) -> None:
    import pydyf

    descriptions = link_descriptions(root)
    for page in document.pages:
        for link_type, target, _, box in page.links:
            annotation = box.link_annotation
            if annotation is None or link_type != "internal" or target not in descriptions:
                continue
            annotation["Contents"] = pydyf.String(descriptions[target])


class _Tree:
    """The structure tree as pydyf objects, with the parent tree's back references."""

    def __init__(self, pdf, origins: dict[int, object]) -> None:
        self.pdf = pdf
        self.origins = origins
        self.root = self.obj(pdf.catalog["StructTreeRoot"])
        self.document = self.obj(self.root["K"][0])
        self.parent_tree = self.obj(self.root["ParentTree"])["Nums"]
        # element reference -> the parent-tree slots (array, index) that name it
        self.slots: dict[bytes, list] = {}
        for position in range(1, len(self.parent_tree), 2):
            entry = self.parent_tree[position]
            if isinstance(entry, list):
                for index, reference in enumerate(entry):
                    self.slots.setdefault(reference, []).append((entry, index))
            else:
                self.slots.setdefault(entry, []).append((self.parent_tree, position))

    def obj(self, reference):
        return self.pdf.objects[int(reference.split()[0])]

    def element(self, kid):
        """The structure element a /K item refers to, or None (MCID, OBJR, MCR)."""
        if not isinstance(kid, bytes):
            return None
        found = self.obj(kid)
        return found if found.get("Type") == "/StructElem" else None

    def origin(self, element):
        return self.origins.get(element.number)

    def _fragments(self, first, second) -> bool:
        origin = self.origin(first)
        return (
            origin is not None
            and origin is self.origin(second)
            and first["S"] == second["S"]
            and first.get("Pg") != second.get("Pg")
        )

    def merge(self, parent) -> None:
        """Merge adjacent fragments of one HTML element, top down."""
        kids = list(parent["K"])
        if parent["S"] == "/Table":
            kids = self._without_repeated_groups(kids)
        merged: list = []
        for kid in kids:
            element = self.element(kid)
            previous = self.element(merged[-1]) if merged else None
            if element is not None and previous is not None and self._fragments(previous, element):
                self._absorb(previous, element)
            else:
                merged.append(kid)
        parent["K"][:] = merged
        for kid in merged:
            element = self.element(kid)
            if element is not None:
                self.merge(element)

    def _without_repeated_groups(self, kids: list) -> list:
        """Drop a header (or footer) group that a page break repeats, pointing the data cells
        that named its header cells at the first group's."""
        kept: dict[int, object] = {}
        ids: dict[str, object] = {}
        result = []
        for kid in kids:
            element = self.element(kid)
            origin = self.origin(element) if element is not None else None
            if element is None or element["S"] not in _REPEATED_GROUPS or origin is None:
                result.append(kid)
                continue
            cells = self._header_cells(element)
            if id(origin) not in kept:
                kept[id(origin)] = element
                ids.update({id(self.origin(cell)): cell.get("ID") for cell in cells})
                result.append(kid)
                continue
            renamed = {
                _string(cell.get("ID")): ids.get(id(self.origin(cell)))
                for cell in cells
                if cell.get("ID") is not None
            }
            for cell in self._descendants(kids, "/TD"):
                headers = cell.get("A", {}).get("Headers")
                if headers:
                    headers[:] = [renamed.get(_string(header)) or header for header in headers]
        return result

    def _header_cells(self, group) -> list:
        return self._descendants(group["K"], "/TH")

    def _descendants(self, kids, role: str) -> list:
        found = []
        for kid in kids:
            element = self.element(kid)
            if element is None:
                continue
            if element["S"] == role:
                found.append(element)
            found.extend(self._descendants(element["K"], role))
        return found

    def _absorb(self, first, second) -> None:
        import pydyf

        for kid in second["K"]:
            element = self.element(kid)
            if element is not None:
                element["P"] = first.reference
            elif isinstance(kid, int) and second.get("Pg") != first.get("Pg"):
                # An MCID belongs to the element's /Pg: content of another page is referenced
                # with a marked-content reference naming its page.
                kid = pydyf.Dictionary({"Type": "/MCR", "Pg": second["Pg"], "MCID": kid})
            first["K"].append(kid)
        for array, index in self.slots.pop(second.reference, []):
            array[index] = first.reference
            self.slots.setdefault(first.reference, []).append((array, index))
        second["K"] = pydyf.Array()

    def reached(self) -> dict[bytes, object]:
        found = {}
        pending = [self.document]
        while pending:
            element = pending.pop()
            found[element.reference] = element
            pending.extend(kid for kid in map(self.element, element["K"]) if kid is not None)
        return found

    def scope_headers_and_languages(self, document_lang: str | None) -> None:
        import pydyf

        for element in self.reached().values():
            origin = self.origin(element)
            if origin is None:
                continue
            if element["S"] == "/TH":
                scope = (origin.get("scope") or "").lower()
                element["A"]["Scope"] = "/Row" if scope in _ROW_SCOPES else "/Column"
            lang = origin.get("lang")
            if lang and lang != document_lang:
                element["Lang"] = pydyf.String(lang)

    def mark_unreached_as_artifacts(self) -> None:
        """Content whose structure element the tree does not reach becomes a pagination
        artifact: the page footer, a repeated table header."""
        import pydyf

        reached = self.reached()
        for number, page_reference in enumerate(self.pdf.page_references):
            mcids = self.parent_tree[2 * number + 1]
            loose = {mcid for mcid, owner in enumerate(mcids) if owner not in reached}
            if not loose:
                continue
            stream = self.obj(self.obj(page_reference)["Contents"]).stream
            for index, item in enumerate(stream):
                if isinstance(item, pydyf.Dictionary) and item.get("MCID") in loose:
                    mcids[item["MCID"]] = "null"
                    stream[index - 1] = "/Artifact"
                    item.clear()
                    item["Type"] = "/Pagination"
