"""`policyreport status`: one line per notebook run (and variant), cached or why not; it
starts no kernel and writes no report."""

from tiny_project import SPEC, make_data

from policyreport.cli import main


def test_status_before_any_build(tmp_path, capsys):
    data = make_data(tmp_path / "data")
    arguments = ["status", "--spec", str(SPEC), "-p", f"data_dir={data}"]
    code = main(arguments + ["--cache-dir", str(tmp_path / "cache")])
    assert code == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "reads_exec (en)  will execute: never executed",
        "reads_yoy (en)   will execute: never executed",
    ]
    assert captured.err.strip() == "0 of 2 runs cached"


def test_status_of_variants_and_forced(tmp_path, capsys):
    data = make_data(tmp_path / "data")
    arguments = ["status", "--spec", str(SPEC), "-p", f"data_dir={data}", "--force"]
    assert main(arguments + ["-m", "usd_cny=6.8,7.2"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "[usd_cny=6.8] reads_exec (en)  will execute: cache off: disabled (--force)",
        "[usd_cny=6.8] reads_yoy (en)   will execute: cache off: disabled (--force)",
        "[usd_cny=7.2] reads_exec (en)  will execute: cache off: disabled (--force)",
        "[usd_cny=7.2] reads_yoy (en)   will execute: cache off: disabled (--force)",
    ]
