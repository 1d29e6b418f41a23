"""`policyreport add-source`: a page copied in under the naming rule, with TODO records
that check lists; bad input is one line and leaves data/sources/ as it was."""

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from policyreport import paths
from policyreport.cli import main

FIXTURES = Path(__file__).parents[1] / "fixtures" / "add_source"
PAGE = FIXTURES / "page.txt"


@pytest.fixture
def data(tmp_path):
    shutil.copytree(paths.DATA, tmp_path / "data")
    return tmp_path / "data"


def _add(data, *extra):
    return main(
        ["add-source", str(PAGE), "--data-dir", str(data), "--accessed", "2026-11-30", *extra]
    )


def _listing(data):
    return sorted(p.name for p in (data / "sources").iterdir())


def test_the_page_is_copied_under_the_naming_rule_with_its_records(data, capsys):
    assert (
        _add(data, "--publisher", "Xinhua", "--publisher-zh", "新华社", "--date", "2026-08-12") == 0
    )
    digest = hashlib.sha256(PAGE.read_bytes()).hexdigest()
    name = f"001_{digest[:16]}"
    target = data / "sources" / f"{name}.txt"
    assert target.read_bytes() == PAGE.read_bytes()
    meta = json.loads((data / "sources" / f"{name}.meta.json").read_text(encoding="utf-8"))
    assert meta["file"] == f"{name}.txt" and meta["sha256"] == digest
    assert meta["publisher"] == {"en": "Xinhua", "zh": "新华社"}
    assert meta["publisher_inferred"] is False
    assert meta["publisher_basis"] == {
        "en": "Stated: given to add-source by the analyst.",
        "zh": "写明：由分析人员在添加来源时给出。",
    }
    assert (meta["date_published"], meta["date_inferred"]) == ("2026-08-12", False)
    assert meta["date_accessed"] == "2026-11-30"
    # what a reader sees is written in both languages: each one TODO until written
    todo = {"en": "TODO", "zh": "TODO"}
    assert (meta["title"], meta["producer"], meta["citation"]) == (todo, todo, todo)
    layout = json.loads((data / "sources" / f"{name}.layout.json").read_text(encoding="utf-8"))
    (article,) = layout["articles"]
    assert (article["id"], article["start"], article["end"]) == (
        "TODO",
        "# 外资观察",
        "近5000亿元。",
    )
    assert f"add-source: {name}.txt" in capsys.readouterr().err


def test_check_lists_each_todo_of_the_new_records(data, capsys):
    assert _add(data) == 0
    capsys.readouterr()
    assert main(["check", "--data-dir", str(data)]) == 2
    lines = capsys.readouterr().err.splitlines()
    name = f"001_{hashlib.sha256(PAGE.read_bytes()).hexdigest()[:16]}"
    assert f"data/sources/{name}.meta.json, field 'publisher.en': TODO" in lines
    assert f"data/sources/{name}.meta.json, field 'publisher.zh': TODO" in lines
    assert f"data/sources/{name}.meta.json, field 'licence.name': TODO" in lines
    assert f"data/sources/{name}.layout.json, field 'articles[0].id': TODO" in lines
    assert f"data/sources/{name}.layout.json, field 'articles[0].headline_en': TODO" in lines
    # 5 in the layout (with the headline's English); 16 in the record: title, producer, publisher, publisher_basis, citation
    # and date_basis in each language, publisher_inferred, date_published, date_inferred and
    # licence.name; the closing error line
    assert len(lines) == 22


def test_draft_works_before_the_records_are_resolved(data, capsys):
    assert _add(data) == 0
    name = f"001_{hashlib.sha256(PAGE.read_bytes()).hexdigest()[:16]}.txt"
    capsys.readouterr()
    source = str(data / "sources" / name)
    assert main(["draft", source, "--data-dir", str(data), "--year", "2026"]) == 0
    rows = capsys.readouterr().out.split("\n\n")[0].splitlines()
    assert len(rows) == 5  # header + 3.5万家, 11.2%, 约五分之一, 近5000亿元


@pytest.mark.parametrize(
    ("fixture", "words"),
    [
        ("latin1.txt", "latin1.txt: expected UTF-8 text; found 'byte 0xe9 at byte 3 (line 1)'"),
        ("empty.txt", "empty.txt: expected a page of text; found 'an empty file'"),
        ("missing.txt", "missing.txt: expected a text file to add; found 'no such file'"),
    ],
)
def test_bad_files_are_one_line_and_nothing_is_written(data, capsys, fixture, words):
    before = _listing(data)
    code = main(["add-source", str(FIXTURES / fixture), "--data-dir", str(data)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err
    assert _listing(data) == before


def test_a_page_already_added_is_refused(data, capsys):
    assert _add(data) == 0
    before = _listing(data)
    capsys.readouterr()
    assert _add(data) == 2
    err = capsys.readouterr().err
    assert "expected a page not added yet; found 'the same bytes as 001_" in err
    assert _listing(data) == before
    first = paths.SOURCES / "000_eb52445a1c06fbcb.txt"
    assert main(["add-source", str(first), "--data-dir", str(data)]) == 2
    assert "the same bytes as 000_eb52445a1c06fbcb.txt" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["--date", "2026-13"],
            "--date: expected a real date; found \"'2026-13': there is no month 13\"",
        ),
        (["--date", "June 2026"], "--date: expected YYYY, YYYY-MM or YYYY-MM-DD"),
        (["--publisher", " "], "--publisher: expected one line of text"),
    ],
)
def test_bad_options_are_one_line_and_nothing_is_written(data, capsys, args, words):
    before = _listing(data)
    assert _add(data, *args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err
    assert _listing(data) == before
