"""The citation file and the licences agree with the package (a reader cites a version that
exists, under the licence the package declares)."""

import tomllib

from policyreport import __version__, paths


def cff_fields() -> dict[str, str]:
    # CITATION.cff's top-level scalars are `key: value` lines; no YAML parser is needed.
    fields = {}
    for line in (paths.ROOT / "CITATION.cff").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "#", "-")) and ": " in line:
            key, value = line.split(": ", 1)
            fields[key] = value.strip().strip('"')
    return fields


def test_citation_names_the_package_version_and_licence():
    fields = cff_fields()
    assert fields["cff-version"] == "1.2.0"
    assert fields["version"] == __version__
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == __version__
    assert fields["license"] == project["license"]["text"] == "MIT"


def test_licences_are_there():
    assert (paths.ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    data = (paths.ROOT / "LICENSE-data.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in data and "data/sources/*.txt" in data
