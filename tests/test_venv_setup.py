"""tools/venv, what the first `make` runs: one line per phase and one per batch of packages,
so that a first run that takes minutes is never silent for long. Run here on a lock of three
tiny wheels written by the test (offline: --no-index, --find-links), in batches of two; the
editable install of the project (--project, phase 3 of `make venv`) needs the lock's
setuptools, which an offline test does not have."""

import base64
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from policyreport import paths

TOOL = paths.ROOT / "tools" / "venv"


def write_wheel(directory: Path, name: str, version: str) -> None:
    """A minimal pure-Python wheel: one module, METADATA, WHEEL and RECORD."""
    info = f"{name}-{version}.dist-info"
    files = {
        f"{name}.py": f"VERSION = {version!r}\n",
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    record.append(f"{info}/RECORD,,")
    with zipfile.ZipFile(directory / f"{name}-{version}-py3-none-any.whl", "w") as wheel:
        for path, text in files.items():
            wheel.writestr(path, text)
        wheel.writestr(f"{info}/RECORD", "\n".join(record) + "\n")


@pytest.mark.slow
def test_first_install_says_what_it_is_doing(tmp_path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for name in ("alpha", "beta", "gamma"):
        write_wheel(wheels, name, "1.0")
    lock = tmp_path / "requirements.lock"
    lock.write_text("# pinned\nalpha==1.0\nbeta==1.0\n\ngamma==1.0\n", encoding="utf-8")
    venv = tmp_path / "venv"
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels)}
    result = subprocess.run(
        [sys.executable, str(TOOL), str(venv), str(lock), "--batch", "2"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    phases = [line.split(":")[0] for line in lines if line.startswith("venv ") and ":" in line]
    assert phases == ["venv 1/3", "venv 2/3", "venv 3/3"]
    assert "installing 3 pinned packages" in lines[1]
    batches = [line.split("(")[0].split() for line in lines if line.startswith("  ")]
    assert batches == [["2/3", "alpha,", "beta"], ["3/3", "gamma"]]
    assert lines[-1].startswith("venv ready in ")
    assert result.stderr == ""
    installed = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import alpha, beta, gamma; print('ok')"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert installed.stdout == "ok\n"
