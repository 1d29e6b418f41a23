"""End to end: the real `policyreport build` on the real notebooks and data (report/report.toml),
into scratch directories: both languages, every chapter, numbered figures, appendices, a PDF
with embedded fonts and extractable Chinese, resolving links, byte-identical rebuilds, and a
planted failing notebook that leaves the previous report untouched."""

import io
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from policyreport import paths
from policyreport.build.pipeline import BuildOptions, build_report
from policyreport.build.spec import load_spec
from policyreport.errors import NotebookExecutionError

pytestmark = pytest.mark.slow

SPEC = paths.REPORT / "report.toml"
FAILING = Path(__file__).parents[1] / "fixtures" / "notebooks" / "fails_in_cell_2.ipynb"


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and "failed" not in path.relative_to(directory).parts
    }


@pytest.fixture(scope="module")
def spec():
    return load_spec(SPEC)


@pytest.fixture(scope="module")
def built(built_report):
    # The cold build is conftest's `built_report`, shared with tests/test_browser.py.
    out, cache, result = built_report
    return out, cache, result, snapshot(out)


def html(out: Path, spec, lang: str) -> BeautifulSoup:
    return BeautifulSoup((out / f"{spec.name}.{lang}.html").read_text("utf-8"), "html.parser")


def test_both_languages_and_every_notebook(built, spec):
    out, _, result, files = built
    assert spec.languages == ("zh", "en")
    for lang in spec.languages:
        assert f"{spec.name}.{lang}.html" in files
        assert files[f"{spec.name}.{lang}.pdf"].startswith(b"%PDF-")
        for notebook in spec.notebooks:
            assert f"{spec.name}/notebooks/{notebook.name}.{lang}.ipynb" in files
        # the charts the build drew go with the report, not into the top-level figures/
        charts = [name for name in files if name.startswith(f"{spec.name}/figures/{lang}/")]
        assert any(name.endswith(".svg") for name in charts)
        assert {name.rsplit(".", 1)[0] for name in charts if name.endswith(".svg")} == {
            name.rsplit(".", 1)[0] for name in charts if name.endswith(".png")
        }
    assert result.executed == len(spec.languages) * len(spec.notebooks)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chapters_figures_appendices_links(built, spec, lang):
    out = built[0]
    doc = html(out, spec, lang)
    chapters = doc.select("main > section.chapter")
    assert [c["data-notebook"] for c in chapters] == [nb.name for nb in spec.notebooks]
    for chapter in chapters:
        assert chapter.find("h2"), chapter["data-notebook"]
    labels = [s.get_text() for s in doc.select("main [data-report=figure] .number-label")]
    assert labels, "no figure in the report"
    word = "图" if lang == "zh" else "Figure "
    assert [re.sub(r"\D", "", label) for label in labels] == [
        str(n) for n in range(1, len(labels) + 1)
    ]
    assert all(label.startswith(word) for label in labels)
    for letter in "abcde":
        assert doc.select_one(f"#appendix-{letter}"), letter
    ids = {tag["id"] for tag in doc.find_all(id=True)}
    refs = doc.select("main a.ref")
    assert refs
    for link in doc.find_all("a", href=True):
        if link.has_attr("download"):  # a file embedded to save (policyreport.build.apparatus)
            assert link["href"].startswith("data:"), link
        elif link.find_parent("nav", class_="editions"):  # the other edition, beside this one
            assert re.fullmatch(rf"{spec.name}\.(zh|en)\.html", link["href"]), link
        else:
            assert link["href"].startswith("#") and link["href"][1:] in ids, link
    for link in refs:
        assert link.get("data-label"), link
    assert "<script" not in str(doc).lower()


def test_same_figure_count_in_both_languages(built, spec):
    out = built[0]
    counts = {
        lang: len(html(out, spec, lang).select("main [data-report=figure]"))
        for lang in spec.languages
    }
    assert len(set(counts.values())) == 1, counts


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_fonts_embedded_and_chinese_extractable(built, spec, lang):
    out = built[0]
    reader = PdfReader(io.BytesIO((out / f"{spec.name}.{lang}.pdf").read_bytes()))
    assert len(reader.pages) > 1
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            described = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = described["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]
    text = "".join(page.extract_text() for page in reader.pages)
    assert "附录" in text or lang == "en"
    assert re.search(r"[\u4e00-\u9fff]{4,}", text)  # Chinese runs (quotes in the appendix)
    title = spec.titles["zh"][:4]
    if lang == "zh":
        assert title in text


def test_rebuild_without_cache_is_byte_identical(built):
    out, cache, _, files = built
    result = build_report(
        BuildOptions(spec=SPEC, out=out, cache_dir=cache, use_cache=False, quiet=True)
    )
    assert result.cached == 0
    assert snapshot(out) == files


def test_planted_failing_notebook_leaves_the_report(built, spec, tmp_path):
    out, cache, _, _ = built
    before = snapshot(out)
    planted = tmp_path / "report.toml"
    text = SPEC.read_text("utf-8").replace(
        'notebook_dir = "../notebooks"', f'notebook_dir = "{paths.NOTEBOOKS.as_posix()}"'
    )
    text += f'\n[[notebook]]\nname = "planted"\nfile = "{FAILING.as_posix()}"\n'
    planted.write_text(text, "utf-8")
    with pytest.raises(NotebookExecutionError) as caught:
        build_report(BuildOptions(spec=planted, out=out, cache_dir=cache, quiet=True))
    assert caught.value.cell == 2 and caught.value.ename == "ValueError"
    assert snapshot(out) == before
    assert (out / spec.name / "failed" / "planted.zh.ipynb").is_file()
