"""The PDF's structure tree, repaired where WeasyPrint's pdf/ua-1 variant falls short: one
element for an element that crosses page breaks, a repeated table header and the page footer as
artifacts, header cells with their scope, links described by their destination, a change of
language marked. Small HTML fixtures under tests/fixtures/build/pdf/, read with pikepdf."""

import io
import re
from pathlib import Path

import pikepdf
import pytest
from pdf_structure import structure
from pdfua import validate

from policyreport.build import fontembed
from policyreport.build.pdf import render_pdf

FIXTURES = Path(__file__).parents[1] / "fixtures" / "build" / "pdf"

PAGINATION = re.compile(rb"/Artifact\s*<<\s*/Type\s*/Pagination\s*>>\s*BDC")

pytestmark = pytest.mark.slow


def fixture_html(name: str, font_cache: Path) -> str:
    """The fixture, with the embedded font subset the report uses (no system font needed)."""
    html = (FIXTURES / name).read_text("utf-8")
    characters = "".join(sorted(set(html))) + "0123456789 /"
    font = fontembed.subset_woff2(fontembed.cjk_font_path(), characters, font_cache)
    return html.replace("/* FONT */", fontembed.font_face_css(font))


@pytest.fixture(scope="module")
def font_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("fonts")


def rendered(name: str, font_cache: Path, tmp_path_factory) -> tuple[pikepdf.Pdf, Path]:
    path = tmp_path_factory.mktemp("pdf") / f"{Path(name).stem}.pdf"
    render_pdf(fixture_html(name, font_cache), path)
    return pikepdf.open(io.BytesIO(path.read_bytes())), path


@pytest.fixture(scope="module")
def table_pdf(font_cache, tmp_path_factory):
    return rendered("table_over_pages.html", font_cache, tmp_path_factory)


@pytest.fixture(scope="module")
def links_pdf(font_cache, tmp_path_factory):
    return rendered("links.html", font_cache, tmp_path_factory)


def roles(pdf: pikepdf.Pdf, role: str) -> list[pikepdf.Dictionary]:
    return [element for element in structure(pdf) if str(element.S) == role]


def test_a_table_over_three_pages_is_one_table(table_pdf):
    pdf, _ = table_pdf
    assert len(pdf.pages) >= 3  # the fixture's point: sixty rows do not fit on an A6 page
    assert len(roles(pdf, "/Table")) == 1
    assert len(roles(pdf, "/THead")) == 1  # the header each page repeats is not read again
    assert len(roles(pdf, "/TBody")) == 1
    assert len(roles(pdf, "/TR")) == 61  # the header row and sixty rows
    assert len(roles(pdf, "/Caption")) == 1


def test_header_cells_carry_their_scope_and_data_cells_name_them(table_pdf):
    pdf, _ = table_pdf
    scopes = [str(cell.A.Scope) for cell in roles(pdf, "/TH")]
    assert scopes == ["/Column", "/Column"] + ["/Row"] * 60
    ids = {str(cell.ID) for cell in roles(pdf, "/TH")}
    cells = roles(pdf, "/TD")
    assert len(cells) == 60
    for cell in cells:
        headers = [str(header) for header in cell.A.Headers]
        assert len(headers) == 2 and set(headers) <= ids  # its row's header and "Value"


def test_rows_keep_their_pages_under_the_one_table(table_pdf):
    pdf, _ = table_pdf
    (body,) = roles(pdf, "/TBody")
    rows = [row for row in roles(pdf, "/TR") if row.P.objgen == body.objgen]
    assert len(rows) == 60
    assert {pdf.pages.index(pikepdf.Page(row.Pg)) for row in rows} >= {0, 1, 2}


def test_a_link_across_a_page_break_is_one_link(font_cache, tmp_path_factory):
    pdf, path = rendered("link_over_pages.html", font_cache, tmp_path_factory)
    assert len(pdf.pages) >= 2
    (paragraph,) = roles(pdf, "/P")
    links = [kid for kid in paragraph.K if isinstance(kid, pikepdf.Dictionary) and kid.S == "/Link"]
    pages = set()
    for link in links:
        for kid in link.K:
            if isinstance(kid, int):
                pages.add(pdf.pages.index(pikepdf.Page(link.Pg)))
            elif kid.get("/Type") == "/MCR":  # content of another page names its page
                pages.add(pdf.pages.index(pikepdf.Page(kid.Pg)))
    # one Link per line on a page, but the lines either side of the break are one element
    assert any(
        isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR"
        for link in links
        for kid in link.K
    )
    assert pages >= {0, 1}
    assert validate(str(path)).findings == ()


def test_the_page_footer_and_repeated_header_are_artifacts(table_pdf):
    pdf, _ = table_pdf
    reached = {element.objgen for element in structure(pdf)}
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    for number, page in enumerate(pdf.pages):
        assert nums[2 * number] == number
        owners = nums[2 * number + 1]
        # every marked content left in the parent tree belongs to the tree
        assert all(owner is None or owner.objgen in reached for owner in owners)
        content = page.Contents.read_bytes()
        # "n / N" at the foot of every page; "Row" and "Value" repeated on every later page
        expected = 1 if number == 0 else 3
        assert len(PAGINATION.findall(content)) == expected


def test_links_describe_their_destination(links_pdf):
    pdf, _ = links_pdf
    described = [
        str(annotation.Contents) for page in pdf.pages for annotation in page.get("/Annots", [])
    ]
    # title of the link; a heading's words; a section by its heading
    assert set(described) == {"First heading", "A section's own heading", "F1: Exports"}
    assert described.count("F1: Exports") == 1
    assert len(roles(pdf, "/Link")) == len(described)


def test_a_change_of_language_is_marked(links_pdf):
    pdf, _ = links_pdf
    assert str(pdf.Root.Lang) == "en"
    marked = [element for element in structure(pdf) if "/Lang" in element]
    assert [str(element.Lang) for element in marked] == ["zh-Hans"]


@pytest.mark.parametrize("pdf_fixture", ["table_pdf", "links_pdf"])
def test_pdfua_finds_nothing(pdf_fixture, request):
    _, path = request.getfixturevalue(pdf_fixture)
    report = validate(str(path))
    assert [(finding.rule_id, finding.message) for finding in report.findings] == []
