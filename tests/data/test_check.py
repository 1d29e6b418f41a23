"""`policyreport check`: every scanner mention is a fact, a fact's period or a justified
exclusion; each way that can fail has its own fixture."""

import json
import shutil
from pathlib import Path

import pytest

from policyreport import paths
from policyreport.cli import main
from policyreport.data.check import check_and_report, run_checks
from policyreport.errors import CoverageError, DataError, FactValueError, StaleEnumError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "check"


def test_fixture_page_is_fully_covered(data_dir):
    _dataset, (coverage,) = run_checks(data_dir)
    # 《三体》 is a title: no mention is read in it, so nothing is left to exclude
    assert (coverage.mentions, coverage.by_fact, coverage.by_period, coverage.by_exclusion) == (
        3,
        2,
        1,
        0,
    )


def test_a_figure_without_a_fact_fails(data_dir):
    shutil.copy(FIXTURES / "facts_missing_growth.csv", data_dir / "facts.csv")
    with pytest.raises(CoverageError) as caught:
        run_checks(data_dir)
    assert caught.value.file == "page.txt"
    assert len(caught.value.mentions) == 1
    assert "'15.4%'" in caught.value.mentions[0]


def test_a_fact_that_disagrees_with_its_quote_is_named(data_dir, capsys):
    # facts_wrong_value.csv, row 3: x_yoy has value 15.5 where its quote says 15.4%
    shutil.copy(FIXTURES / "facts_wrong_value.csv", data_dir / "facts.csv")
    with pytest.raises(FactValueError) as caught:
        run_checks(data_dir)
    error = caught.value
    assert (error.fact, error.row, error.value) == ("x_yoy", 3, 15.5)
    assert (error.quoted, error.quoted_values) == (["15.4%"], [15.4])
    assert main(["check", "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "facts.csv, row 3: fact x_yoy: the quote '同比增长15.4%' says 15.4% (15.4)" in err
    assert err.rstrip().endswith("the row's value is 15.5")
    assert "neither covered" not in err  # not reported as an uncovered mention


def test_a_stale_exclusion_fails(data_dir):
    shutil.copy(FIXTURES / "exclusions_stale.csv", data_dir / "exclusions.csv")
    with pytest.raises(DataError, match="'示例' .* matches none"):
        run_checks(data_dir)


@pytest.mark.parametrize(
    ("fixture", "target", "line"),
    [
        (
            "facts_note_zh_empty.csv",
            "facts.csv",
            "facts.csv, row 3, field 'note_zh': expected the Chinese text (a translation of "
            "note_en); found 'empty'",
        ),
        (
            "exclusions_reason_zh_empty.csv",
            "exclusions.csv",
            "exclusions.csv, row 2, field 'reason_zh': expected the Chinese text (a translation "
            "of reason_en); found 'empty'",
        ),
        (
            "meta_date_basis_zh_empty.json",
            "sources/page.meta.json",
            "page.meta.json, field 'date_basis.zh': expected a non-empty string (the text in "
            "Chinese); found ''",
        ),
    ],
)
def test_an_empty_translation_is_one_line_naming_where(data_dir, capsys, fixture, target, line):
    shutil.copy(FIXTURES / fixture, data_dir / target)
    assert main(["check", "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert line in err, err


def test_the_real_page_passes(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "0 uncovered" in out
    assert out.strip().endswith("check: ok")


def test_cli_prints_one_line_and_exits_non_zero(data_dir, capsys):
    shutil.copy(FIXTURES / "facts_missing_growth.csv", data_dir / "facts.csv")
    assert main(["check", "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("policyreport check: error: page.txt: 1 numeric mention(s)")
    assert "Traceback" not in err


def test_verbose_shows_the_traceback(data_dir, capsys):
    shutil.copy(FIXTURES / "facts_missing_growth.csv", data_dir / "facts.csv")
    assert main(["--verbose", "check", "--data-dir", str(data_dir)]) == 2
    assert "Traceback" in capsys.readouterr().err


def test_a_changed_byte_in_the_source_is_named(data_dir, capsys):
    page = data_dir / "sources" / "page.txt"
    page.write_bytes(page.read_bytes().replace("热播".encode(), "热映".encode()))
    assert main(["check", "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert "page.txt: sha256" in err and "does not match" in err


def test_a_fact_naming_an_article_not_in_the_layout_fails(data_dir):
    shutil.copy(FIXTURES / "facts_unknown_article.csv", data_dir / "facts.csv")
    with pytest.raises(DataError) as caught:
        run_checks(data_dir)
    assert (caught.value.row, caught.value.field) == (3, "article")
    assert "an article id of page.txt's layout (city)" in str(caught.value)
    assert "'nowhere'" in str(caught.value)


def test_a_layout_anchor_that_occurs_twice_fails_check(data_dir):
    layout = data_dir / "sources" / "page.layout.json"
    layout.write_text(
        layout.read_text(encoding="utf-8").replace("电视剧《三体》热播。", "。"), encoding="utf-8"
    )
    with pytest.raises(DataError, match=r"page.layout.json, field 'articles\[0\].end'.*once"):
        run_checks(data_dir)


def test_each_todo_is_one_line_naming_file_row_and_field(data_dir, capsys):
    shutil.copy(FIXTURES / "facts_todo.csv", data_dir / "facts.csv")
    assert main(["check", "--data-dir", str(data_dir)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "data/facts.csv, row 2, field 'subject_en': TODO",
        "data/facts.csv, row 2, field 'period': TODO:period 2025 (no time word in the sentence)",
        "data/facts.csv, row 3, field 'subject_en': TODO:subject_en",
        "policyreport check: error: 3 field(s) still marked TODO in data/facts.csv; "
        "fill them in (each is listed above)",
    ]


def test_a_fraction_covers_a_share_in_percent(tmp_path):
    """约五分之一 is 0.2 to the scanner; the fact states it as 20 percent (per_whole 100)."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURES / "fraction", target)
    shutil.copy(paths.DATAPACKAGE, target / "datapackage.json")
    shutil.copy(paths.DATA / "vocabulary.toml", target / "vocabulary.toml")
    _dataset, (coverage,) = run_checks(target)
    assert (coverage.mentions, coverage.by_fact, coverage.by_period) == (2, 1, 1)


def test_check_reports_stale_enums_and_writes_nothing(data_dir, capsys):
    """A unit added to vocabulary.toml by hand (vocabulary_new_unit.toml): the descriptor's
    enums lag; check says which fields, what differs and the fix, and leaves the file alone."""
    vocabulary = data_dir / "vocabulary.toml"
    vocabulary.write_text(
        vocabulary.read_text(encoding="utf-8")
        + "\n"
        + (FIXTURES / "vocabulary_new_unit.toml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    package = data_dir / "datapackage.json"
    before = package.read_bytes()
    assert main(["check", "--data-dir", str(data_dir)]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        f"policyreport check: error: {package}, field(s) facts.unit, derived.unit, "
        f"assumptions.unit: enum out of step with {vocabulary} (the descriptor lacks shops); "
        "run `policyreport sync`\n"
    )
    assert package.read_bytes() == before
    assert sorted(p.name for p in data_dir.iterdir()) == sorted(
        [p.name for p in (FIXTURES / "ok").iterdir()] + ["datapackage.json", "vocabulary.toml"]
    )  # no temp file either


def test_check_names_a_value_the_vocabulary_dropped(data_dir):
    package = data_dir / "datapackage.json"
    document = json.loads(package.read_text(encoding="utf-8"))
    facts = next(r for r in document["resources"] if r["name"] == "facts")
    kind = next(f for f in facts["schema"]["fields"] if f["name"] == "kind")
    kind["constraints"]["enum"].append("furlongs")
    package.write_text(json.dumps(document, indent=2), encoding="utf-8")
    with pytest.raises(StaleEnumError) as caught:
        check_and_report(data_dir)
    error = caught.value
    assert (error.fields, error.missing, error.extra) == (["facts.kind"], [], ["furlongs"])
    assert "(the descriptor still has furlongs); run `policyreport sync`" in str(error)


def test_a_layout_with_a_repeated_article_id_fails_check(data_dir):
    layout = data_dir / "sources" / "page.layout.json"
    document = json.loads(layout.read_text(encoding="utf-8"))
    document["articles"].append({**document["articles"][0], "kind": "caption"})
    layout.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DataError, match=r"field 'articles\[0\].id': expected a unique id"):
        run_checks(data_dir)


def test_mentions_frame_says_what_covers_each_mention(data_dir):
    from policyreport.data.check import mentions_frame
    from policyreport.data.dataset import load_dataset

    frame = mentions_frame(load_dataset(data_dir), data_dir)
    # page.txt: 2025年 (period of x_exec), 92.1亿美元 (x_exec), 15.4% (x_yoy); 《三体》 is a title
    assert list(zip(frame["text"], frame["covered_by"], frame["by"], strict=True)) == [
        ("2025年", "period", "x_exec"),
        ("92.1亿美元", "fact", "x_exec"),
        ("15.4%", "fact", "x_yoy"),
    ]
    assert frame.loc[1, "value"] == 9210000000 and frame.loc[1, "unit"] == "美元"
    assert set(frame["source"]) == {"page.txt"}


def test_an_uncovered_mention_has_no_cover(data_dir):
    from policyreport.data.check import classify_mentions
    from policyreport.data.dataset import load_dataset

    dataset = load_dataset(data_dir)
    source = dataset.sources[0]
    mentions, stale = classify_mentions(
        source.path.name, source.text, dataset.facts.iloc[:1], dataset.exclusions
    )
    assert [(m["text"], m["covered_by"]) for m in mentions][2] == ("15.4%", None)
    assert stale == []
