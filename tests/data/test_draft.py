"""`policyreport draft`: the facts of a page drafted from its numbers, measured against the
facts an analyst typed by hand for the first page (data/facts.csv)."""

import csv
import io
import re
import shutil
from pathlib import Path

import pytest

from policyreport import paths
from policyreport.cli import main
from policyreport.data.draft import FACT_COLUMNS, draft_source
from policyreport.data.sources import load_source
from policyreport.data.vocabulary import load_vocabulary, parse_vocabulary
from policyreport.errors import DataError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "draft"
PAGE = paths.SOURCES / "000_eb52445a1c06fbcb.txt"
FIELDS = ("value", "value_high", "unit", "qualifier", "kind", "period")


def _same(field: str, drafted: str, typed: str) -> bool:
    if field in ("value", "value_high"):
        return (drafted == typed == "") or (
            drafted != "" and typed != "" and float(drafted) == float(typed)
        )
    if field == "period" and drafted.startswith("TODO:period "):
        return False  # a suggestion for a person to confirm is not counted as right
    return drafted == typed


def _match(facts, drafts, text):
    """Each hand-typed fact with the drafted row of the same number: the drafted mention
    lies inside the fact's quote and states its value (a date fact: the drafted date)."""
    pairs = []
    used = set()
    for fact in facts:
        start = text.find(fact["quote"])
        end = start + len(fact["quote"])
        inside = [
            d
            for d in drafts
            if start <= d.mention.start and d.mention.end <= end and id(d) not in used
        ]
        same = [d for d in inside if _same("value", d.row["value"], fact["value"])]
        if fact["kind"] == "date":
            same = [d for d in inside if d.row["kind"] == "date"] or same
        if same:
            used.add(id(same[0]))
            pairs.append((fact, same[0]))
    return pairs


def test_draft_reproduces_the_hand_typed_facts_of_the_first_page(capsys):
    source = load_source(PAGE)
    draft = draft_source(
        source, load_vocabulary(), topic="wuhan_outsourcing", year=2026, year_assumption="page_year"
    )
    facts = list(csv.DictReader(io.StringIO(paths.FACTS.read_text(encoding="utf-8"))))
    pairs = _match(facts, draft.facts, source.text)
    right = {field: sum(_same(field, d.row[field], f[field]) for f, d in pairs) for field in FIELDS}
    suggested = sum(d.row["period"].startswith(f"TODO:period {f['period']} ") for f, d in pairs)
    # which rows cite the page's year assumption (was 60 of 65: halves, 以来 and a year
    # written earlier in the sentence were read wrong); 十四五's rank still cites it
    cites = sum(d.row["assumption"] == f["assumption"] for f, d in pairs)
    precision = len(pairs) / len(draft.facts)
    recall = len(pairs) / len(facts)
    with capsys.disabled():
        print(
            f"\ndraft on the first page: {len(draft.facts)} rows, {len(facts)} typed facts, "
            f"{len(pairs)} matched: precision {precision:.2f}, recall {recall:.2f}; "
            f"fields right of {len(pairs)}: "
            + ", ".join(f"{field} {count}" for field, count in right.items())
            + f"; {sum(right.values())} of {len(pairs) * len(FIELDS)} fields; "
            f"{suggested} more periods right as TODO suggestions; "
            f"assumption right {cites} of {len(pairs)}"
        )
    assert cites >= 64
    # Floors measured on this page (see the report of issue 8); they only go up.
    assert precision >= 0.95  # measured 65/68
    assert recall >= 0.91  # measured 65/71
    assert right["value"] == right["value_high"] == len(pairs)
    assert right["unit"] >= 63
    assert right["qualifier"] >= 61  # was 59: 翻倍/倍增 read as approx, as facts.csv has them
    # 近 is nearly in the draft; facts.csv keeps the first page's two 近 facts as approx on
    # purpose (switching them changes the report): those two are the draft's only nearly
    nearly = sorted(f["id"] for f, d in pairs if d.row["qualifier"] == "nearly")
    assert nearly == ["la_wuqiong_algorithms", "wh_comic_overseas_share_2026"]
    assert {f["qualifier"] for f, d in pairs if d.row["qualifier"] == "nearly"} == {"approx"}
    # was 54: counts of things that are cumulative totals or rates (累计, 日均, 每月) are
    # level in facts.csv, and now in the draft (count_cues); 已发行超300部, 亿级 and 两大
    # remain
    assert right["kind"] >= 62
    assert right["period"] >= 39
    assert suggested >= 18


def test_every_drafted_quote_occurs_once_and_holds_its_number():
    source = load_source(PAGE)
    draft = draft_source(source, load_vocabulary(), year=2026)
    for fact in draft.facts:
        quote = fact.row["quote"]
        assert source.text.count(quote) == 1, quote
        start = source.text.find(quote)
        assert start <= fact.mention.start and fact.mention.end <= start + len(quote)
    for exclusion in draft.exclusions:
        assert source.text.count(exclusion.row["context"]) == 1
        assert exclusion.row["mention"] in exclusion.row["context"]


def test_a_news_wire_paragraph(tmp_path):
    """Periods, units, qualifiers and kinds worked out by hand for a small wire text."""
    source = load_source(FIXTURES / "wire.txt")
    draft = draft_source(source, load_vocabulary(), topic=None, prefix="w_", year=2026)
    rows = {fact.mention.text: fact.row for fact in draft.facts}
    got = {
        text: (row["value"], row["value_high"], row["unit"], row["qualifier"], row["kind"])
        for text, row in rows.items()
    }
    assert got == {
        "1.2万亿元": ("1200000000000", "", "CNY", "exact", "level"),
        "8.5%": ("8.5", "", "percent", "exact", "growth_yoy"),
        "近30%": ("30", "", "percent", "nearly", "share"),
        "约五分之一": ("20", "", "percent", "approx", "share"),
        "超1200只": ("1200", "", "stocks", "at_least", "count"),
        "三家": ("3", "", "firms", "exact", "count"),
        "120余个": ("120", "", "items", "more_than", "count"),
        "3至5个季度": ("3", "5", "quarters", "range", "duration"),
        "12枚": ("12", "", "TODO:unit 枚", "exact", "level"),
    }
    periods = {text: row["period"] for text, row in rows.items()}
    assert periods["1.2万亿元"] == "2026-01..2026-06"
    assert periods["8.5%"] == "2026-01..2026-06"
    assert periods["近30%"] == "2026-04..2026-06"
    assert periods["约五分之一"] == "2026-01..2026-04"
    assert periods["超1200只"] == "2026-07-31"
    assert periods["三家"].startswith("TODO:period 2026 ")
    assert rows["1.2万亿元"]["subject_zh"] == "全国软件业务收入"
    assert rows["1.2万亿元"]["quote"] == "今年上半年，全国软件业务收入1.2万亿元"
    assert {row["subject_en"] for row in rows.values()} == {"TODO:subject_en"}
    assert rows["约五分之一"]["subject_zh"] == "企业开展海外业务"
    assert rows["120余个"]["subject_zh"] == "行业内三家龙头企业合计拥有"
    reasons = {e.row["mention"]: e.row["reason_en"].split(":")[0] for e in draft.exclusions}
    assert reasons == {
        "2026年": "Headline",
        "第二季度": "Period label",
        "前4个月": "Period label",
        "五": "Weekday",
    }  # 三 of 《三体》 is inside a title: the scanner does not read it
    # each reason in both languages: a draft exclusion is complete, nothing to translate
    reasons_zh = {e.row["mention"]: e.row["reason_zh"].split("：")[0] for e in draft.exclusions}
    assert reasons_zh == {
        "2026年": "标题",
        "第二季度": "时期标签",
        "前4个月": "时期标签",
        "五": "星期",
    }
    assert {row["note_en"] for row in rows.values()} == {"TODO:note_en"}
    assert {row["note_zh"] for row in rows.values()} == {"TODO:note_zh"}


def test_stdout_is_facts_csv_then_the_exclusions(capsys):
    assert main(["draft", str(FIXTURES / "wire.txt"), "--year", "2026"]) == 0
    out = capsys.readouterr().out
    facts, exclusions = out.split("\n\n")
    assert facts.splitlines()[0] == ",".join(FACT_COLUMNS)
    assert exclusions.splitlines()[0] == "source,context,mention,reason_en,reason_zh"
    assert facts.splitlines()[1].startswith("draft_01,wire.txt,TODO:topic,")


def test_out_writes_a_file_that_check_refuses_until_the_todos_are_resolved(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(paths.DATA, data)
    shutil.copy(FIXTURES / "wire.txt", data / "sources" / "wire.txt")
    for suffix in (".meta.json", ".layout.json"):
        shutil.copy(FIXTURES / f"wire{suffix}", data / "sources" / f"wire{suffix}")
    facts_before = (data / "facts.csv").read_text(encoding="utf-8")
    # the wire text states its year (2026年) and its record names no year assumption
    args = ["draft", str(data / "sources" / "wire.txt"), "--data-dir", str(data), "--year", "2026"]
    assert (
        main([*args, "--topic", "low_altitude", "--prefix", "w_", "--out", str(data / "facts.csv")])
        == 0
    )
    facts_after = (data / "facts.csv").read_text(encoding="utf-8")
    assert facts_after.startswith(facts_before)
    assert facts_after.count("\nw_") == 9
    capsys.readouterr()
    assert main(["check", "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert "data/facts.csv, row 73, field 'subject_en': TODO:subject_en" in err
    assert err[-1].startswith("policyreport check: error: ")
    # resolved as an analyst would: check passes, so the quotes and exclusions cover the page
    resolved = []
    for line in facts_after.splitlines(keepends=True):
        if line.startswith("w_"):
            line = (
                line.replace("TODO:subject_en", "A figure")
                .replace("TODO:note_en", "")
                .replace("TODO:note_zh", "")
            )
            line = line.replace("TODO:unit 枚", "items")
            line = re.sub(r"TODO:period (\d{4})[^,]*", r"\1", line)
        resolved.append(line)
    (data / "facts.csv").write_text("".join(resolved), encoding="utf-8")
    assert main(["check", "--data-dir", str(data)]) == 0, capsys.readouterr().err
    assert "wire.txt: 14 numeric mentions" in capsys.readouterr().out
    (data / "facts.csv").write_text(facts_after, encoding="utf-8")
    # the same ids again: refused, nothing written
    assert main([*args, "--prefix", "w_", "--out", str(data / "facts.csv")]) == 2
    assert (data / "facts.csv").read_text(encoding="utf-8") == facts_after
    assert "ids not used yet" in capsys.readouterr().err


def test_a_source_without_numbers_is_one_line_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "draft.csv"
    source = FIXTURES / "no_numbers.txt"
    assert main(["draft", str(source), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no_numbers.txt: expected a source with at least one numeric mention" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--topic", "no_such_topic"], "--topic naming a topic"),
        (["--prefix", "Bad-"], "--prefix: expected lower snake case"),
        (["--year", "26"], "--year: expected a four-digit year"),
        (["--out", "no/such/dir/draft.csv"], "expected a file in an existing directory"),
    ],
)
def test_bad_arguments_are_one_line(args, words, capsys):
    assert main(["draft", str(FIXTURES / "wire.txt"), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err


def test_draft_raises_for_no_numbers():
    with pytest.raises(DataError, match="no numbers"):
        draft_source(load_source(FIXTURES / "no_numbers.txt"), load_vocabulary())


@pytest.fixture
def wire_project(tmp_path) -> Path:
    """The project's data with the wire text as a source whose provenance record names its
    year assumption `wire_year` (tests/fixtures/draft/year_assumption/), the only assumption
    of assumptions.csv: the project's own year assumption is not there to be picked up."""
    data = tmp_path / "data"
    shutil.copytree(paths.DATA, data)
    named = FIXTURES / "year_assumption"
    shutil.copy(named / "assumptions.csv", data / "assumptions.csv")
    shutil.copy(FIXTURES / "wire.txt", data / "sources" / "wire.txt")
    shutil.copy(FIXTURES / "wire.layout.json", data / "sources" / "wire.layout.json")
    shutil.copy(named / "wire.meta.json", data / "sources" / "wire.meta.json")
    return data


def _drafted_rows(capsys) -> dict[str, dict]:
    facts = capsys.readouterr().out.split("\n\n")[0]
    return {row["quote"]: row for row in csv.DictReader(io.StringIO(facts))}


def test_the_year_comes_from_the_assumption_the_page_names(wire_project, capsys):
    source = wire_project / "sources" / "wire.txt"
    assert main(["draft", str(source), "--data-dir", str(wire_project)]) == 0
    rows = _drafted_rows(capsys)
    # 今年上半年 with 今年 = wire_year's 2026
    assert rows["今年上半年，全国软件业务收入1.2万亿元"]["period"] == "2026-01..2026-06"
    # 第二季度 names no year: wire_year's, and the row cites the assumption it rests on
    share = next(row for row in rows.values() if row["qualifier"] == "nearly")
    assert (share["value"], share["period"], share["assumption"]) == (
        "30",
        "2026-04..2026-06",
        "wire_year",
    )
    # 三家 has no time word in its sentence: the page's year, suggested, resting on wire_year
    three = next(row for row in rows.values() if row["value"] == "3" and row["unit"] == "firms")
    assert three["period"].startswith("TODO:period 2026 ")
    assert three["assumption"] == "wire_year"


def test_year_overrides_the_assumption_and_cites_none(wire_project, capsys):
    source = wire_project / "sources" / "wire.txt"
    assert main(["draft", str(source), "--data-dir", str(wire_project), "--year", "2027"]) == 0
    rows = _drafted_rows(capsys)
    first = rows["今年上半年，全国软件业务收入1.2万亿元"]
    assert first["period"] == "2027-01..2027-06"
    assert {row["assumption"] for row in rows.values()} == {""}


def test_a_page_that_names_no_year_assumption_has_no_year(tmp_path, capsys):
    """The project's data holds a year assumption, but the wire text's record names none:
    nothing is borrowed from another page."""
    data = tmp_path / "data"
    shutil.copytree(paths.DATA, data)
    for suffix in (".txt", ".meta.json", ".layout.json"):
        shutil.copy(FIXTURES / f"wire{suffix}", data / "sources" / f"wire{suffix}")
    assert main(["draft", str(data / "sources" / "wire.txt"), "--data-dir", str(data)]) == 0
    rows = _drafted_rows(capsys)
    three = next(row for row in rows.values() if row["value"] == "3" and row["unit"] == "firms")
    assert three["period"] == "TODO:period (no time word in its sentence; pass --year)"
    assert {row["assumption"] for row in rows.values()} == {""}


def test_a_year_assumption_missing_from_the_data_is_one_line(wire_project, capsys):
    (wire_project / "assumptions.csv").write_text(
        (paths.DATA / "assumptions.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    source = wire_project / "sources" / "wire.txt"
    assert main(["draft", str(source), "--data-dir", str(wire_project)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"policyreport draft: error: {wire_project / 'sources' / 'wire.meta.json'}, field "
        f"'year_assumption': expected the id of an assumption in "
        f"{wire_project / 'assumptions.csv'}; found 'wire_year'\n"
    )


def test_src_names_no_year_assumption():
    """Which assumption holds a page's year is data (a source's `year_assumption`): the
    package names none, not even the first page's."""
    src = Path(__file__).parents[2] / "src"
    found = [
        str(path.relative_to(src))
        for path in sorted(src.rglob("*"))
        if path.is_file()
        and path.suffix != ".pyc"
        and "page_year" in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert found == []


def test_a_year_assumption_whose_value_is_no_year_is_one_line(wire_project, capsys):
    assumptions = wire_project / "assumptions.csv"
    assumptions.write_text(
        assumptions.read_text(encoding="utf-8").replace("wire_year,2026,", "wire_year,7.18,"),
        encoding="utf-8",
    )
    source = wire_project / "sources" / "wire.txt"
    assert main(["draft", str(source), "--data-dir", str(wire_project)]) == 2
    assert capsys.readouterr().err == (
        f"policyreport draft: error: {assumptions}, row 2, field 'value': expected a "
        "four-digit year (the assumption wire_year is a page's year); found '7.18'\n"
    )


def _draft_text(tmp_path, text: str, vocabulary=None):
    from policyreport.data.sources import Source

    source = Source(path=tmp_path / "page.txt", text=text, meta={})
    return draft_source(source, vocabulary or load_vocabulary(), prefix="t_", year=2026)


def test_a_cumulative_total_or_a_rate_of_counted_things_is_a_level(tmp_path):
    """facts.csv records 累计 totals and per-day or per-month rates of counted things as
    level (an amount), a tally of things at a time as count; the vocabulary's count_cues
    (累计, 日均, 每月 …) let the draft follow that, within the sentence (累计 governs the
    second figure of 累计接入…，服务…)."""
    text = (
        "截至6月底，平台累计接入超500条航线，服务航班超80万架次。"
        "园区现有企业120家。平台日均保障超3000架次。每月新增企业10余家。"
    )
    draft = _draft_text(tmp_path, text)
    kinds = {fact.mention.text: (fact.row["unit"], fact.row["kind"]) for fact in draft.facts}
    assert kinds == {
        "超500条": ("routes", "level"),
        "超80万架次": ("flights", "level"),
        "120家": ("firms", "count"),
        "超3000架次": ("flights", "level"),
        "10余家": ("firms", "level"),
    }


def test_a_fraction_is_drafted_in_the_unit_the_vocabulary_marks(tmp_path):
    """Which unit takes a fraction of the text is data: a vocabulary whose fraction unit is
    per mille (1000 to a whole) drafts 约五分之一 as 200 of it."""
    raw = (paths.DATA / "vocabulary.toml").read_text(encoding="utf-8")
    raw = raw.replace("per_whole = 100\nfraction = true\n", "per_whole = 100\n")
    raw += '\n[units.permille]\nzh = "‰"\nscale = false\nper_whole = 1000\nfraction = true\n'
    vocabulary = parse_vocabulary(raw.encode("utf-8"), tmp_path / "vocabulary.toml")
    draft = _draft_text(tmp_path, "企业开展海外业务的约占五分之一。", vocabulary)
    (fact,) = draft.facts
    row = fact.row
    assert (row["value"], row["unit"], row["kind"]) == ("200", "permille", "share")


def test_percentage_points_take_kind_cues_because_the_vocabulary_says_so(tmp_path):
    """A unit marked `difference_of` a percent unit takes the kinds of the cue words, as a
    percent does: 同比提高1.5个百分点 is a growth; without the mark it would be a level."""
    text = "出口占比同比提高1.5个百分点。"
    (fact,) = _draft_text(tmp_path, text).facts
    assert (fact.row["unit"], fact.row["kind"]) == ("percentage_points", "growth_yoy")
    raw = (paths.DATA / "vocabulary.toml").read_text(encoding="utf-8")
    raw = raw.replace('difference_of = "percent"\n', "")
    plain = parse_vocabulary(raw.encode("utf-8"), tmp_path / "vocabulary.toml")
    (fact,) = _draft_text(tmp_path, text, plain).facts
    assert fact.row["kind"] == "level"


def test_src_names_no_unit_the_draft_needs():
    """Which unit a fraction or a % sign is drafted in and which unit is a difference of
    percents are data (`fraction`, `text`, `difference_of` in data/vocabulary.toml): no
    module of the package names those units. Two words are not unit ids where they occur:
    the scanner's kind of mention "percent" (a number with a % sign) and the examples of the
    notebook reference page (docs/notebook-api.md), which name the template's units."""
    import ast

    vocabulary = load_vocabulary()
    fraction = vocabulary.fraction_unit()
    ids = {fraction.id} if fraction else set()
    for unit in vocabulary.units.values():
        if unit.difference_of:
            ids |= {unit.id, unit.difference_of}
        if "%" in unit.text:
            ids.add(unit.id)
    assert ids == {"percent", "percentage_points"}
    src = Path(__file__).parents[2] / "src" / "policyreport"
    allowed = {("data/scan.py", "percent"), ("notebook.py", "percent")}
    found = []
    for path in sorted(src.rglob("*.py")):
        name = path.relative_to(src).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            named = isinstance(node, ast.Constant) and node.value in ids
            if named and (name, node.value) not in allowed:
                found.append(f"{name}:{node.lineno}: {node.value}")
    assert found == []


def test_a_growth_rate_that_speeds_up_is_another_kind_with_its_sentences_quarter(tmp_path):
    """增速较第一季度加快3.1个百分点: a change of a growth rate (kind other, by the cue 加快 of
    the vocabulary), in the second quarter (第一季度 is the comparison's base)."""
    text = "第二季度全市进出口6850亿元，同比增长10.2%，增速较第一季度加快3.1个百分点。"
    rows = {f.mention.text: f.row for f in _draft_text(tmp_path, text).facts}
    row = rows["3.1个百分点"]
    assert (row["unit"], row["kind"], row["period"]) == (
        "percentage_points",
        "other",
        "2026-04..2026-06",
    )
    assert rows["10.2%"]["kind"] == "growth_yoy"


def test_a_unit_word_only_one_unit_has_needs_no_noun_after_it(tmp_path):
    """A unit with a noun (zh_noun) is picked by that noun after the number when several
    units share the measure word; when no other unit has the word, the noun may stand
    before the number (包裹3200万件)."""
    raw = (paths.DATA / "vocabulary.toml").read_text(encoding="utf-8")
    raw += '\n[units.parcels]\nzh = "件"\nzh_noun = "包裹"\nen_one = "parcel"\ncount = true\n'
    vocabulary = parse_vocabulary(raw.encode("utf-8"), tmp_path / "vocabulary.toml")
    (fact,) = _draft_text(tmp_path, "跨境电商出口包裹3200万件。", vocabulary).facts
    assert (fact.row["value"], fact.row["unit"], fact.row["kind"]) == (
        "32000000",
        "parcels",
        "count",
    )


def test_a_sentence_opening_with_qizhong_keeps_the_period_of_the_one_before(tmp_path):
    """其中 ('of which') details the sentence before it, in the same paragraph only."""
    text = (
        "2026年上半年，全市进出口1.26万亿元。其中，出口8120亿元，增长11.3%。\n其中，进口4480亿元。"
    )
    rows = {f.mention.text: f.row for f in _draft_text(tmp_path, text).facts}
    assert rows["8120亿元"]["period"] == "2026-01..2026-06"
    assert rows["11.3%"]["period"] == "2026-01..2026-06"
    assert rows["8120亿元"]["quote"] == "出口8120亿元"  # its clause, as facts.csv quotes it
    assert rows["4480亿元"]["period"].startswith("TODO:period 2026 (no time word")


def test_doubling_in_words_is_an_approximate_multiple(tmp_path):
    """翻倍 and 倍增 say 'doubled' loosely; the vocabulary lists them as approx words, as
    facts.csv records them; 2倍 is exact."""
    text = "新兴业务呈现倍增态势。公司产能翻倍。订单增长2倍。"
    rows = [f.row for f in _draft_text(tmp_path, text).facts]
    got = [(r["value"], r["unit"], r["qualifier"], r["kind"]) for r in rows]
    assert got == [
        ("2", "ratio", "approx", "other"),
        ("2", "ratio", "approx", "other"),
        ("2", "ratio", "exact", "other"),
    ]
