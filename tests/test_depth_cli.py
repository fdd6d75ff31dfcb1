"""The command line in-process: the paths the subprocess tests of test_cli.py leave unmeasured."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

import pytest

from mesocalc._exchange.cli import console, main

HEADER = 'format = 1\nname = "Clinic D"\nversion = "1"\n'


def test_python_dash_m_runs_the_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["mesocalc", "sources"])
    with pytest.raises(SystemExit) as stop:
        runpy.run_module("mesocalc", run_name="__main__")
    assert stop.value.code == 0
    assert "SEED3" in capsys.readouterr().out


def test_console_exits_with_the_status_of_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["mesocalc", "--version"])
    with pytest.raises(SystemExit) as stop:
        console()
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip()
    monkeypatch.setattr(sys, "argv", ["mesocalc", "plan", "--technique", "classic"])
    with pytest.raises(SystemExit) as stop:
        console()
    assert stop.value.code != 0


def test_a_low_dead_space_syringe_without_a_capacity_is_the_1_ml_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["plan", "--technique", "classic", "--zone", "face", "--area", "4 cm^2"]
    assert main([*argv, "--low-dead-space", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "2" in json.dumps(out["supply"])


def test_spec_shows_a_volume_only_session_cap_and_a_subcutaneous_layer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    protocol = tmp_path / "clinic.toml"
    protocol.write_text(
        HEADER + "[zones.submental.techniques.infiltration]\n"
        'session = { volume = 5, unit = "mL", source = ["KYB"], basis = "analogue", '
        'note = "half the label" }\n',
        encoding="utf-8",
    )
    command = ["--catalog", str(protocol), "spec", "--technique", "infiltration"]
    assert main([*command, "--zone", "submental"]) == 0
    assert "at most 5 mL per session" in capsys.readouterr().out
    assert main(["spec", "--technique", "infiltration", "--zone", "face"]) == 0
    assert "subcutis: depth more than 1 mm" in capsys.readouterr().out


def test_a_catalog_error_with_a_pair_of_values_is_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    protocol = tmp_path / "clinic.toml"
    protocol.write_text(
        HEADER + '[techniques.classic]\nangle = { low = 60, high = 45, unit = "deg" }\n',
        encoding="utf-8",
    )
    assert main(["--catalog", str(protocol), "zones", "--json"]) != 0
    error = json.loads(capsys.readouterr().err)
    assert error["error"]["value"] == [60.0, 45.0]
