"""The command line: a readable table, JSON for machines, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from mesocalc._cli import main


def test_plan_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--technique", "classic", "--zone", "face", "--area", "40 cm^2"]) == 0
    out = capsys.readouterr().out
    assert "points            40" in out  # AMIN's 1 cm and 0.01 mL, the published defaults
    assert "total_volume      0.4 mL" in out


def test_plan_json(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", "--technique", "nappage", "--zone", "scalp", "--area", "24 cm^2", "--json"]
    assert main([*argv, "--spacing", "2.5 mm", "--loss-fraction", "0.4"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["points"] == 384
    assert data["loss_fraction"] == 0.4


def test_spec(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spec", "--technique", "classic", "--zone", "neck"]) == 0
    assert "at most 1 mm" in capsys.readouterr().out
    assert main(["spec", "--technique", "classic", "--zone", "neck", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["depth"]["high"] == 1.0


@pytest.mark.parametrize(
    ("extra", "parameter"),
    [
        (["--depth", "2 mm"], "depth:"),
        (["--area", "40"], "area:"),
        (["--spacing", "1,500 mm"], "spacing:"),
        (["--lattice", "hexa"], "did you mean 'hex'"),
    ],
)
def test_errors_are_one_line_with_status_2(
    extra: list[str], parameter: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["plan", "--technique", "classic", "--zone", "eyelid", "--area", "4 cm^2", *extra]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("mesocalc: error: ")
    assert parameter in err
    assert err.count("\n") == 1


def test_python_dash_m() -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "mesocalc",
            "plan",
            "--technique",
            "classic",
            "--zone",
            "face",
            "--area",
            "40 cm^2",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(out.stdout)["points"] == 40


def test_override_needle_and_syringe_flags(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", "--technique", "classic", "--zone", "face", "--area", "40 cm^2"]
    assert main([*argv, "--depth", "2.2 mm"]) == 2  # a soft departure needs a reason
    assert "SoftLimit" not in capsys.readouterr().err
    flags = ["--depth", "2.2 mm", "--override", "thick skin", "--by", "Dr Rossi", "--json"]
    flags += ["--needle-gauge", "30", "--needle-length", "4 mm", "--syringe", "1 mL"]
    flags += ["--volume-per-point", "0.03 mL"]  # 1.2 mL: more than one 1 mL syringe
    assert main([*argv, *flags]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["overrides"][0]["parameter"] == "depth"
    assert data["overrides"][0]["reason"] == "thick skin"
    assert data["supply"]["syringes"] == 2
    assert data["insertion_length"]["value"] == pytest.approx(2.2 / 0.7933533402912352)
    assert main([*argv, "--needle-gauge", "30", "--needle-length", "1 mm"]) == 2
    assert "needle" in capsys.readouterr().err
    assert main([*argv, "--override", "  "]) == 2
    assert "reason" in capsys.readouterr().err


def test_a_closed_pipe_is_not_an_error() -> None:
    shell = (
        f'"{sys.executable}" -m mesocalc plan --technique classic --zone face --area "40 cm^2"'
        " | head -1"
    )
    out = subprocess.run(
        ["bash", "-o", "pipefail", "-c", shell],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.stdout.strip() == "technique         classic"
    assert "Traceback" not in out.stderr
