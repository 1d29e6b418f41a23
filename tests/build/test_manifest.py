"""The build manifest: up to date only with the same inputs and every published file as it
was; a damaged manifest is ignored; an unwritable folder costs nothing but speed."""

import json

import pytest

from policyreport.build import manifest


@pytest.fixture
def published(tmp_path):
    files = [tmp_path / "out" / "a.html", tmp_path / "out" / "b.pdf"]
    files[0].parent.mkdir()
    files[0].write_text("<p>a</p>")
    files[1].write_bytes(b"%PDF-b")
    return files


def test_same_inputs_same_files_is_up_to_date(tmp_path, published):
    path = tmp_path / "manifests" / "m.json"
    manifest.record(path, "inputs-1", published)
    assert manifest.up_to_date(path, "inputs-1") == [f.resolve() for f in published]


def test_other_inputs_edited_or_missing_outputs_are_not(tmp_path, published):
    path = tmp_path / "manifests" / "m.json"
    manifest.record(path, "inputs-1", published)
    assert manifest.up_to_date(path, "inputs-2") is None
    published[1].write_bytes(b"%PDF-edited")
    assert manifest.up_to_date(path, "inputs-1") is None
    published[1].unlink()
    assert manifest.up_to_date(path, "inputs-1") is None


def test_a_damaged_manifest_is_ignored(tmp_path, published):
    path = tmp_path / "manifests" / "m.json"
    manifest.record(path, "inputs-1", published)
    record = json.loads(path.read_text())
    record["body"]["inputs"] = "inputs-2"  # valid JSON, but not what was written
    path.write_text(json.dumps(record))
    assert manifest.up_to_date(path, "inputs-2") is None
    path.write_text(path.read_text()[:20])
    assert manifest.up_to_date(path, "inputs-1") is None


def test_the_digest_follows_choices_and_files(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "facts.csv").write_text("id\nx\n")
    first = manifest.build_digest({"languages": ["en"]}, [data])
    assert first == manifest.build_digest({"languages": ["en"]}, [data])
    assert first != manifest.build_digest({"languages": ["zh"]}, [data])
    (data / "facts.csv").write_text("id\ny\n")
    assert first != manifest.build_digest({"languages": ["en"]}, [data])


def test_an_unwritable_folder_is_no_error(tmp_path, published):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    manifest.record(blocker / "m.json", "inputs-1", published)
    assert manifest.up_to_date(blocker / "m.json", "inputs-1") is None
