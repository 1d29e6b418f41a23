"""The `policyreport` command's conventions: global options before or after the command,
a wrong option answered with that command's usage, --version, an example in every
command's --help, and the documented exit codes."""

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

from policyreport import paths
from policyreport.cli import EXIT_CODES, SUBCOMMANDS, main

BIN = Path(sys.executable).parent


def policyreport(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "policyreport"), *arguments], capture_output=True, text=True, timeout=120
    )


def test_version():
    result = policyreport("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"policyreport {importlib.metadata.version('policyreport')}"


@pytest.mark.parametrize(
    "argv",
    [
        ["--verbose", "check", "--data-dir", "{missing}"],
        ["check", "--verbose", "--data-dir", "{missing}"],
        ["check", "--data-dir", "{missing}", "--verbose"],
    ],
    ids=["before", "after", "at-the-end"],
)
def test_verbose_before_or_after_the_command(argv, tmp_path, capsys):
    missing = str(tmp_path / "nowhere")
    assert main([arg.format(missing=missing) for arg in argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert err.splitlines()[-1] == (
        f"policyreport check: error: {missing}/sources: expected a directory of verbatim "
        "sources; found 'none'"
    )


def test_without_verbose_the_error_is_one_line(tmp_path, capsys):
    assert main(["check", "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("command", list(SUBCOMMANDS))
def test_a_wrong_option_prints_the_usage_of_its_command(command, capsys):
    with pytest.raises(SystemExit) as caught:
        main([command, "--bogus"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: policyreport {command} ")
    # "unrecognized arguments: --bogus", or a missing argument the command needs first
    assert err.splitlines()[-1].startswith(f"policyreport {command}: error: ")


@pytest.mark.parametrize("command", list(SUBCOMMANDS))
def test_every_command_has_help_with_an_example_and_the_exit_codes(command):
    result = policyreport(command, "--help")
    assert result.returncode == 0
    help_text = result.stdout
    assert help_text.startswith(f"usage: policyreport {command} ")
    assert "--verbose" in help_text
    examples = help_text.split("\nexamples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    commands = [line.strip() for line in examples if line.startswith(f"  policyreport {command}")]
    explained = [line for line in examples if line.startswith("      ")]
    assert commands and len(explained) >= len(commands), help_text
    assert EXIT_CODES in help_text


def test_top_level_help_lists_the_commands_and_exit_codes():
    result = policyreport("--help")
    assert result.returncode == 0
    for command in SUBCOMMANDS:
        assert f"policyreport {command} --help" in result.stdout
    assert EXIT_CODES in result.stdout
    assert "--version" in result.stdout


def test_exit_codes_are_the_documented_ones():
    """0 ok, 1 failure, 2 bad input: in --help (above) and in the README, word for word."""
    assert [line.split()[0] for line in EXIT_CODES.splitlines()[1:]] == ["0", "1", "2", "130"]
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    assert EXIT_CODES in readme


def test_no_command_is_bad_input(capsys):
    with pytest.raises(SystemExit) as caught:
        main([])
    assert caught.value.code == 2
    assert "usage: policyreport" in capsys.readouterr().err
