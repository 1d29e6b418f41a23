"""TODO markers left by add-source and draft are found in CSV cells and JSON values."""

import json

from policyreport.data.todos import Todo, find_todos, is_todo


def test_todos_in_csv_and_source_json_are_named_by_file_row_and_field(tmp_path):
    data = tmp_path / "data"
    (data / "sources").mkdir(parents=True)
    (data / "facts.csv").write_text(
        "id,subject_en,note\na,TODO:subject_en,\nb,Growth,see TODO list\n", encoding="utf-8"
    )
    (data / "sources" / "p.meta.json").write_text(
        json.dumps({"publisher": "TODO", "licence": {"name": "TODO: licence"}, "n": 1}),
        encoding="utf-8",
    )
    found = find_todos(data)
    assert [str(todo) for todo in found] == [
        "data/facts.csv, row 2, field 'subject_en': TODO:subject_en",
        "data/sources/p.meta.json, field 'publisher': TODO",
        "data/sources/p.meta.json, field 'licence.name': TODO: licence",
    ]
    assert found[0] == Todo(found[0].file, "subject_en", "TODO:subject_en", 2)


def test_only_a_value_that_starts_with_the_mark_is_a_todo():
    assert is_todo("TODO") and is_todo(" TODO:unit 枚")
    assert not is_todo("see TODO list") and not is_todo(None) and not is_todo(3)
