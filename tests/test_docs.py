"""The README and docs: set-up commands as promised, console examples executed.

The ```pycon examples are doctests, collected by pytest (--doctest-glob=*.md); the
```console examples are run here and their output compared, in a folder holding the doc's
example files (a ```toml block whose first line is ``# NAME.toml``).
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GENERATED = {"_build", "_generated"}  # the site's output, not its sources
DOCS = [
    ROOT / "README.md",
    *sorted(p for p in (ROOT / "docs").rglob("*.md") if not GENERATED & set(p.parts)),
]


_FILE = re.compile(r"```toml\n# ([\w-]+\.toml)\b.*?\n(.*?)```", re.S)


def _example_files(doc: str) -> dict[str, str]:
    """The example files a doc shows, by name: each ```toml block that names its file."""
    path = next(p for p in DOCS if p.name == doc)
    found = _FILE.findall(path.read_text(encoding="utf-8"))
    return {name: f"# {name}\n{body}" for name, body in found}


def _console_examples() -> list[tuple[str, str, str]]:
    found = []
    for doc in DOCS:
        for block in re.findall(r"```console\n(.*?)```", doc.read_text(encoding="utf-8"), re.S):
            for command in re.split(r"^\$ ", block, flags=re.M)[1:]:
                line, _, output = command.partition("\n")
                found.append((doc.name, line, output))
    return found


def test_readme_opens_with_the_two_setup_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```console\n(.*?)```", text, re.S)
    assert first is not None
    commands = first.group(1).strip().splitlines()
    assert commands == [
        'pip install . && python -m mesocalc plan --technique classic --zone face --area "40 cm^2"',
        "pip install nox && nox -s tests",
    ]
    assert text.index(first.group(0)) < 40


@pytest.mark.parametrize(("doc", "command", "expected"), _console_examples())
def test_console_examples(doc: str, command: str, expected: str, tmp_path: Path) -> None:
    argv = shlex.split(command)
    assert argv[:3] == ["python", "-m", "mesocalc"], f"{doc}: only mesocalc commands run here"
    for name, text in _example_files(doc).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, *argv[1:]],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=tmp_path,
    )
    assert out.stdout + out.stderr == expected


def test_the_readme_setup_command_runs() -> None:
    """The part of the first set-up command after the install (the install is CI's job)."""
    argv = shlex.split('python -m mesocalc plan --technique classic --zone face --area "40 cm^2"')
    out = subprocess.run(
        [sys.executable, *argv[1:]], capture_output=True, text=True, check=True, timeout=120
    )
    assert "points            40" in out.stdout
