"""Atomic writes: a reader sees the old file or the new one; several new files together."""

import pytest

from policyreport.data.files import write_atomic, write_together


def test_write_atomic_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "a.csv"
    target.write_text("old\n", encoding="utf-8")
    write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]


def test_write_together_writes_all_or_none(tmp_path):
    write_together({tmp_path / "a.txt": b"a", tmp_path / "b.json": b"{}"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.json"]
    with pytest.raises(FileNotFoundError):
        write_together({tmp_path / "c.txt": b"c", tmp_path / "missing" / "d.txt": b"d"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.json"]
