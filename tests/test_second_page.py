"""The second page (tests/fixtures/second_page/): a wire-style report on a topic the first
page does not have, with the facts an analyst records from it by hand. It goes through
new-topic, its own spec and the build in a scratch copy of the project, and becomes a report
with its chapter in both languages, without anything in src/ knowing about it."""

from __future__ import annotations

import csv
import importlib.util
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from policyreport.data.vocabulary import load_vocabulary

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
HERE = ROOT / "tests" / "fixtures" / "second_page"

_spec = importlib.util.spec_from_file_location("second_page_project", HERE / "project.py")
second_page = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(second_page)


def fixture_facts() -> list[dict]:
    with (HERE / "facts.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_the_fixture_has_what_a_news_page_has():
    """亿 and 万亿, percentages, 超/近/约/余, a range, a Chinese-numeral count, a fraction and
    a quarter, each stated by a quote that occurs once in the page."""
    text = next((HERE / "sources").glob("*.txt")).read_text(encoding="utf-8")
    for words in ("亿元", "万亿元", "%", "超1.8万家", "近2100亿元", "约1580亿元", "二百余个",
                  "6%至8%", "一千二百家", "约五分之一", "第二季度", "3200万件"):  # fmt: skip
        assert words in text, words
    facts = fixture_facts()
    assert len(facts) == 20
    for fact in facts:
        assert text.count(fact["quote"]) == 1, fact["id"]
    assert {fact["qualifier"] for fact in facts} == {
        "exact",
        "at_least",
        "approx",
        "nearly",
        "more_than",
        "range",
    }


def in_files(paths, names: set[str]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}: {name}"
        for path in paths
        for name in sorted(names)
        if name.lower() in path.read_text(encoding="utf-8", errors="replace").lower()
    ]


def test_src_names_nothing_of_the_second_page():
    """The page's topic, place, article and fact ids appear nowhere in the package, nor
    does the unit it adds to the project's vocabulary: its words are data."""
    facts = fixture_facts()
    files = [p for p in sorted(SRC.rglob("*")) if p.is_file() and p.suffix != ".pyc"]
    names = {second_page.TOPIC, "jianghai", "江海", "jh_"}
    names |= {fact["article"] for fact in facts} | {fact["id"] for fact in facts}
    known = load_vocabulary(ROOT / "data").units
    added = {fact["unit"] for fact in facts} - set(known)
    assert added == {"parcels"}
    names |= {"parcel", "包裹"}  # its id (parcels contains it) and its words
    found = in_files(files, names)
    assert not found, found


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """new-topic, the page's data, its own spec and `policyreport build --spec`, as an
    analyst runs them in a scratch copy of the project."""
    root = second_page.scratch_project(tmp_path_factory.mktemp("second_page") / "project")
    run = second_page.policyreport
    made = run(
        root,
        "new-topic",
        second_page.TOPIC,
        "--title-zh",
        second_page.TITLE_ZH,
        "--title-en",
        second_page.TITLE_EN,
    )
    assert made.returncode == 0, made.stderr
    second_page.add_second_page(root)
    # its new unit was added to the vocabulary by hand: check refuses the lagging data
    # package until sync rewrites its enums
    stale = run(root, "check")
    assert stale.returncode == 2 and "run `policyreport sync`" in stale.stderr, stale.stderr
    synced = run(root, "sync")
    assert synced.returncode == 0, synced.stderr
    checked = run(root, "check")
    assert checked.returncode == 0, checked.stderr
    spec = root / "report" / second_page.SPEC.name
    spec.write_bytes(second_page.SPEC.read_bytes())
    result = run(root, "build", "--spec", str(spec))
    assert result.returncode == 0, result.stderr
    return root, checked.stdout


@pytest.mark.slow
def test_the_check_covers_every_mention_of_the_page(built):
    _, checked = built
    # 24 mentions counted by hand in the page: 20 facts' values (约五分之一 as the share
    # 20 percent), 2026年 inside a fact's quote (its period), and 3 excluded (the dateline
    # and two quarter labels)
    assert (
        "001_b524a15d0d72f7b9.txt: 24 numeric mentions: 20 matched to facts, "
        "1 periods of facts, 3 excluded, 0 uncovered"
    ) in checked


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_its_own_report_has_the_chapter(built, lang):
    root, _ = built
    report = root / "report"
    assert (report / f"jianghai.{lang}.pdf").read_bytes().startswith(b"%PDF-")
    doc = BeautifulSoup((report / f"jianghai.{lang}.html").read_text("utf-8"), "html.parser")
    title = {
        "zh": "江海外贸：一篇外贸新闻稿的数字分析",
        "en": "Jianghai's foreign trade: the figures of one wire report",
    }[lang]
    assert title in doc.title.get_text()
    chapters = doc.select("main > section.chapter")
    assert [c["data-notebook"] for c in chapters] == ["05_jianghai_foreign_trade"]
    chapter = chapters[0]
    assert (
        chapter.find("h2").get_text() == {"zh": "江海外贸", "en": "Jianghai's foreign trade"}[lang]
    )
    assert chapter.select_one("#fig-jianghai_foreign_trade img")
    cited = {a["data-fact"] for a in chapter.select("a.ref[data-fact]")}
    assert cited == {fact["id"] for fact in fixture_facts()}
    # each link resolves to its appendix row, which quotes the page
    for ident in cited:
        row = doc.find(id=f"fact-{ident}")
        assert row is not None, ident
    quote = doc.find(id="fact-jh_trade_share_province").get_text()
    assert re.search("占全省进出口总值的比重约五分之一", quote)
    # scoped to the page: the appendix lists its facts and no other
    listed = {tag["id"] for tag in doc.find_all(id=re.compile(r"^fact-"))}
    assert listed == {f"fact-{ident}" for ident in cited}
    # published under its own name: the first report's files are not touched
    notebooks = report / "jianghai" / "notebooks"
    assert (notebooks / f"05_jianghai_foreign_trade.{lang}.ipynb").is_file()
    assert not (report / "report.zh.html").exists()
    assert not (report / "notebooks").exists()
