"""tools/find-python: a supported Python named by version, command or path resolves to a real
interpreter of that version (pyenv's shims and PATH need not select it), or one line says where
it looked. The Makefile (PYTHON=python3.X), `make test-pythons` and .ci/run rely on it."""

import os
import subprocess
import sys
from pathlib import Path

from policyreport import paths

FIND_PYTHON = paths.ROOT / "tools" / "find-python"
RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"


def find_python(wanted: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(FIND_PYTHON), wanted], capture_output=True, text=True, env=env, check=False
    )


def version_of(interpreter: str) -> str:
    code = "import sys; print(f'{sys.version_info.major}.{sys.version_info.minor}')"
    return subprocess.run(
        [interpreter, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_a_path_is_used_as_it_is():
    result = find_python(sys.executable)
    assert result.returncode == 0, result.stderr
    assert version_of(result.stdout.strip()) == RUNNING


def test_the_running_version_is_found_on_path_without_pyenv(tmp_path):
    """As on a CI machine whose PATH has no pyenv: only the interpreter's own folder and the
    system's; HOME has no ~/.pyenv. The result is the interpreter, never a shim."""
    base = Path(sys._base_executable).resolve().parent
    env = {"PATH": f"{base}:/usr/bin:/bin", "HOME": str(tmp_path)}
    for wanted in (RUNNING, f"python{RUNNING}"):
        result = find_python(wanted, env)
        assert result.returncode == 0, result.stderr
        found = result.stdout.strip()
        assert os.path.isabs(found) and "shims" not in Path(found).parts
        assert version_of(found) == RUNNING


def test_a_missing_version_is_named_in_one_line(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = find_python("3.99", env)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"find-python: no Python 3.99 found (looked in pyenv's versions under "
        f"{tmp_path}/.pyenv, on PATH, /usr/local/bin, /usr/bin)\n"
    )
