"""The PDF: every font embedded, Chinese text extractable, several pages, fixed metadata, and
the same bytes for the same HTML."""

import importlib.util
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from policyreport.build.pdf import render_pdf
from policyreport.errors import BuildError

FIXTURE = Path(__file__).parents[1] / "fixtures" / "build" / "fixture_dataset.py"
_spec = importlib.util.spec_from_file_location("fixture_dataset", FIXTURE)
fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixture)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def html_zh(tmp_path_factory):
    return fixture.assemble("zh", cache_dir=tmp_path_factory.mktemp("fonts"))


@pytest.fixture(scope="module")
def pdf_zh(html_zh):
    return render_pdf(html_zh)


def fonts(reader: PdfReader) -> dict[str, object]:
    found = {}
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            found[str(font["/BaseFont"])] = font
    return found


def descriptor(font):
    if "/DescendantFonts" in font:
        font = font["/DescendantFonts"][0].get_object()
    return font["/FontDescriptor"].get_object()


def test_every_font_embedded(pdf_zh):
    found = fonts(PdfReader(io.BytesIO(pdf_zh)))
    assert found
    for name, font in found.items():
        files = {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor(font))
        assert files, f"{name} is not embedded"
    # one family only: the embedded subset of the CJK font
    assert all(name.endswith("+Report-Sans") for name in found), sorted(found)


def test_chinese_text_extractable_and_pages(pdf_zh):
    reader = PdfReader(io.BytesIO(pdf_zh))
    assert len(reader.pages) > 1
    text = "".join(page.extract_text() for page in reader.pages)
    for phrase in ("示例报告", "历年出口额", "出口额92.1亿美元", "附录A"):
        assert phrase in text
    assert "1 / " in text  # page footer "n / N"


def test_metadata_from_the_source_not_the_clock(pdf_zh):
    info = PdfReader(io.BytesIO(pdf_zh)).metadata
    assert info["/Title"] == "示例报告"
    assert info["/CreationDate"].startswith("D:202606")
    assert info["/ModDate"] == info["/CreationDate"]


def test_toc_has_page_numbers_and_refs_print_labels(pdf_zh):
    reader = PdfReader(io.BytesIO(pdf_zh))
    toc_page = reader.pages[0].extract_text()
    assert "甲章" in toc_page and "附录E" in toc_page
    chapter = reader.pages[1].extract_text()
    assert "F1" in chapter and "D1" in chapter and "A1" in chapter


def test_byte_identical(html_zh, pdf_zh):
    assert render_pdf(html_zh) == pdf_zh


def test_nothing_is_fetched():
    html = '<html><body><img src="https://example.org/x.png"><p>x</p></body></html>'
    with pytest.raises(BuildError, match="may load nothing"):
        render_pdf(html)
