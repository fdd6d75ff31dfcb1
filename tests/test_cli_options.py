"""The command line as a new user types it: ``--json`` on either side of the command, and
listings that say what their marks mean."""

from __future__ import annotations

import json

import pytest

from mesocalc._exchange.cli import main

_COMMANDS = (
    ["zones"],
    ["techniques"],
    ["sources"],
    ["spec", "--technique", "classic", "--zone", "face"],
    ["plan", "--technique", "classic", "--zone", "face", "--area", "40 cm^2"],
)


@pytest.mark.parametrize("command", _COMMANDS)
def test_json_before_the_command_is_json_after_it(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "--json"]) == 0
    after = capsys.readouterr().out
    assert main(["--json", *command]) == 0
    assert capsys.readouterr().out == after
    assert main(["--json", *command, "--json"]) == 0
    assert capsys.readouterr().out == after
    json.loads(after)


def test_json_before_the_command_reports_errors_as_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["--json", "plan", "--technique", "classic", "--zone", "face", "--area", "-1 cm^2"]
    assert main(argv) == 2
    error = json.loads(capsys.readouterr().err)["error"]
    assert error["parameter"] == "--area"
    assert main(["--json", "zonse"]) == 2
    assert json.loads(capsys.readouterr().err)["error"]["kind"] == "usage"


def test_zones_says_what_a_question_mark_means(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["zones"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("submental   170887008? ") for line in lines)
    assert lines[-1] == (
        "?: a SNOMED CT code no source confirms; exports name that site in words only"
    )
