"""The command line: a readable table, JSON for machines, one-line errors."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from hypothesis import given

import mesocalc
from mesocalc._catalog.catalog import default_catalog
from mesocalc._exchange.cli import main
from tests import strategies as mst

ROOT = Path(__file__).resolve().parents[1]
PLAN = ["plan", "--technique", "classic", "--zone", "face", "--area", "40 cm^2"]


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


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


# --- listings and --version ------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"mesocalc {metadata.version('mesocalc')}\n"

    def missing(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)  # run from a source tree
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out == f"mesocalc {mesocalc.__version__}\n"


def test_zones(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(["zones"], capsys)
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == ["zone", "SNOMED", "CT", "skin", "depth", "limit"]
    assert "face        89545001   1 to 2.53 mm       -" in lines
    assert "eyelid      80243003   0.521 to 0.626 mm  at most 1 mm" in lines
    assert "knees       72696002   -                  -" in lines
    assert any(line.startswith("submental   170887008? ") for line in lines)  # unverified
    assert len(lines) == 1 + len(mesocalc.Zone) + 1  # the header, each zone, the legend
    status, out, _ = _run(["zones", "--json"], capsys)
    data = json.loads(out)
    assert [z["zone"] for z in data] == [z.value for z in mesocalc.Zone]
    face = data[0]
    assert face["snomed"] == {"code": "89545001", "source": ["DICOM-L"], "verified": True}
    submental = next(z for z in data if z["zone"] == "submental")
    assert submental["snomed"]["verified"] is False  # DICOM PS3.16 Annex L: unverified
    assert (face["skin"]["low"], face["skin"]["high"], face["skin"]["unit"]) == (1.0, 2.53, "mm")
    assert face["depth_cap"] is None
    assert data[1]["depth_cap"]["high"] == 1.0
    assert "classic" in face["techniques"]


def test_techniques_with_the_zones_each_is_published_for(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = _run(["techniques"], capsys)
    assert status == 0
    assert "classic              face, eyelid, neck, decollete, hands" in out.splitlines()
    assert "forearm" not in out  # no source publishes a technique there
    _, out, _ = _run(["techniques", "--json"], capsys)
    book = default_catalog()
    for item in json.loads(out):
        expected = [z.value for z in mesocalc.Zone if item["technique"] in book.published(z)]
        assert item["zones"] == expected


def test_sources_and_their_citations(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(["sources"], capsys)
    assert status == 0
    book = default_catalog()
    assert len(out.splitlines()) == len(book.sources)
    assert f"MICHEELS16    {book.sources['MICHEELS16']['citation']}" in out.splitlines()
    _, out, _ = _run(["sources", "--json"], capsys)
    assert json.loads(out) == {k: dict(v) for k, v in book.sources.items()}


def test_spec_shows_hard_limits_caps_the_skin_layer_and_citations(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = _run(["spec", "--technique", "classic", "--zone", "eyelid"], capsys)
    assert status == 0
    lines = out.splitlines()
    assert (
        "  depth             hard  at most 0.626 mm  [SEED3, LEEHWANG02, PERRIN08; derived]"
        in lines
    )
    assert "  spacing           soft  5 to 10 mm  [SEED3, AMIN, VYC12L; stated]" in lines
    assert "  zone depth        hard  at most 1 mm, every technique  [SEED3; stated]" in lines
    assert "  session cap       -     none published" in lines
    assert (
        "  skin layer        hard  skin: depth at most 0.626 mm (the eyelid's skin is 0.521 to "
        "0.626 mm)  [SEED3, LEEHWANG02; stated]"
    ) in lines
    assert lines[lines.index("sources:") + 1] == (
        "  SEED3         iLive, 'Mesotherapy: mechanism of action, methodology, indications and "
        "contraindications', reviewed 08.07.2025"
    )
    assert "  LEEHWANG02    Lee Y, Hwang K. Surg Radiol Anat 2002;24:183-189" in out
    _, out, _ = _run(["spec", "--technique", "infiltration", "--zone", "submental"], capsys)
    assert (
        "  session cap       soft  at most 50 injections and 10 mL per session  [KYB; analogue]"
        in out.splitlines()
    )
    assert "subcutis: not checked, no published skin thickness for the submental" in out
    _, out, _ = _run(["spec", "--technique", "classic", "--zone", "scalp"], capsys)
    assert "no published use on the scalp: plan it only with --override REASON" in out
    _, out, _ = _run(["spec", "--technique", "nappage", "--zone", "scalp"], capsys)
    assert "skin layer        -     any: no layer bounds the depth" in out


# --- errors name the flag, and say how to override ------------------------------------------


@pytest.mark.parametrize(
    ("extra", "start"),
    [
        (["--needle-gauge", "30", "--needle-length", "1 mm"], "--needle-length: got Needle("),
        (["--needle-gauge", "30", "--needle-length", "4"], "--needle-length: got '4'"),
        (["--needle-gauge", "40G", "--needle-length", "4 mm"], "--needle-gauge: got 40"),
        (["--needle-gauge", "30X", "--needle-length", "4 mm"], "--needle-gauge: got '30X'"),
        (["--needle-gauge", "30"], "--needle-length: got None"),
        (["--needle-length", "4 mm"], "--needle-gauge: got None"),
        (["--volume-per-point", "1 mL"], "--volume-per-point: got '1 mL'"),
        (["--volume-per-point", "1"], "--volume-per-point: got '1'"),
        (["--points", "5000"], "--points: got '0.8944 mm (5000 points over 40 cm²)'"),
        (["--total-volume", "5 mL"], "--total-volume: got '0.125 mL (5 mL over 40 points)'"),
        (
            ["--dose-per-area", "1 mL/cm^2"],
            "--dose-per-area: got '1 mL (1 mL/cm² at 10 mm spacing)'",
        ),
        (["--syringe", "2 mL"], "--syringe: got '2 mL'"),
        (["--loss-fraction", "50"], "--loss-fraction: got '50'"),
        (["--loss-fraction", "0.5 mm"], "--loss-fraction: got '0.5 mm'"),
        (["--angle", "95 deg"], "--angle: got '95 deg'"),
        (["--lattice", "hexa"], "--lattice: got 'hexa'"),
        (["--by", "Dr Rossi"], "--by: got 'Dr Rossi'; expected --override REASON with it"),
        (["--override", "  "], "--override: got '  '; expected the reason"),
        (["--technique", "clasic"], "--technique: got 'clasic'"),
        (["--zone", "periorbitl"], "--zone: got 'periorbitl'"),
    ],
)
def test_errors_name_the_flag_typed(
    extra: list[str], start: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run([*PLAN, *extra], capsys)
    assert status == 2
    assert out == ""
    assert err.startswith(f"mesocalc: error: {start}")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "suggestion"),
    [
        ([*PLAN, "--technique", "clasic"], "did you mean 'classic'?"),
        ([*PLAN, "--zone", "periorbitl"], "did you mean 'eyelid'?"),  # an alias's member
        ([*PLAN, "--lattice", "triangle"], "did you mean 'hex'?"),
        (
            ["spec", "--technique", "nappage-dep", "--zone", "scalp"],
            "did you mean 'nappage-deep' or 'nappage'?",
        ),
        (["spec", "--technique", "classic", "--zone", "thihgs"], "did you mean 'thighs'?"),
    ],
)
def test_every_name_suggests_a_near_miss(
    argv: list[str], suggestion: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = _run(argv, capsys)
    assert status == 2
    assert err.rstrip().endswith(suggestion)


@pytest.mark.parametrize(
    ("argv", "suggestion"),
    [
        (["plna"], "did you mean 'plan'?"),
        (["zone"], "did you mean 'zones'?"),
        ([*PLAN, "--dpeth", "2 mm"], "did you mean '--depth'?"),
    ],
)
def test_misspelt_commands_and_flags_get_a_suggestion(
    argv: list[str], suggestion: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = _run(argv, capsys)
    assert status == 2
    assert err.startswith("usage: mesocalc")
    assert err.rstrip().endswith(suggestion)


def test_a_soft_refusal_says_how_to_override_and_a_hard_one_does_not(
    capsys: pytest.CaptureFixture[str],
) -> None:
    how = "pass --override REASON (and --by NAME)"
    status, _, err = _run([*PLAN, "--depth", "2.2 mm"], capsys)
    assert status == 2
    assert err.rstrip().endswith(f"to depart from it, {how})")
    scalp = ["plan", "--technique", "classic", "--zone", "scalp", "--area", "10 cm^2"]
    _, _, err = _run(scalp, capsys)  # no published use: an override and every parameter
    assert f"{how} and give --spacing, --volume-per-point, --depth, --angle" in err
    assert "Override(" not in err
    given = ["--spacing", "7 mm", "--volume-per-point", "0.02 mL", "--depth", "1.5 mm"]
    assert main([*scalp, *given, "--angle", "45 deg", "--override", "trial", "--by", "Dr R"]) == 0
    capsys.readouterr()
    chin = ["plan", "--technique", "infiltration", "--zone", "submental", "--area", "100 cm^2"]
    _, _, err = _run(chin, capsys)  # 100 points beyond the label's 50, an analogue cap: soft
    assert err.startswith("mesocalc: error: points: got 100;")  # not typed: no flag to name
    assert how in err
    assert main([*chin, "--override", "two sittings' worth, agreed"]) == 0
    capsys.readouterr()
    for hard in (
        [
            "plan",
            "--technique",
            "classic",
            "--zone",
            "eyelid",
            "--area",
            "4 cm^2",
            "--depth",
            "2 mm",
        ],
        [*PLAN, "--depth", "0 mm"],
        [*PLAN, "--needle-gauge", "30", "--needle-length", "1 mm"],
        ["spec", "--technique", "infiltration", "--zone", "eyelid"],
    ):
        status, _, err = _run(hard, capsys)
        assert status == 2
        assert "--override" not in err


def test_a_session_file_keeps_its_key_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "session.toml"
    area = '[[areas]]\ntechnique = "classic"\nzone = "face"\narea = "40 cm^2"\n'
    path.write_text(area + 'depth = "2.2 mm"\n' + area + 'depth = "0 mm"\n', encoding="utf-8")
    status, _, err = _run(["session", str(path)], capsys)
    assert status == 2
    first, second = err.splitlines()
    assert first.startswith("mesocalc: error: areas[0].depth: got '2.2 mm'")
    assert 'give the area an override = { reason = "...", by = "..." } table' in first
    assert "--override" not in first
    assert second.startswith("mesocalc: error: areas[1].depth: got '0 mm'")
    assert "override" not in second


# --- JSON errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            [*PLAN, "--depth", "2.2 mm"],
            {
                "kind": "soft limit",
                "limit": "soft",
                "parameter": "--depth",
                "value": "2.2 mm",
                "expected": "1 to 2 mm for classic on the face",
                "allowed": "1 to 2 mm",
                "source": "SEED3",
            },
        ),
        (
            [
                "plan",
                "--technique",
                "classic",
                "--zone",
                "eyelid",
                "--area",
                "4 cm^2",
                "--depth",
                "2 mm",
            ],
            {"kind": "hard limit", "limit": "hard", "parameter": "--depth", "value": "2 mm"},
        ),
        (
            [*PLAN, "--depth", "0 mm"],
            {"kind": "domain", "limit": "hard", "parameter": "--depth", "value": "0 mm"},
        ),
        (
            ["plan", "--technique", "classic", "--zone", "face", "--area", "40"],
            {"kind": "unit", "limit": None, "parameter": "--area", "value": "40"},
        ),
        (
            [*PLAN, "--spacing", "1,500 mm"],
            {"kind": "parse", "limit": None, "parameter": "--spacing"},
        ),
        (
            [*PLAN, "--technique", "clasic"],
            {"kind": "unknown name", "parameter": "--technique", "suggestions": ["classic"]},
        ),
        (
            [*PLAN, "--needle-gauge", "30", "--needle-length", "1 mm"],
            {
                "kind": "hard limit",
                "parameter": "--needle-length",
                "value": "Needle(gauge=30, length='1 mm')",
            },
        ),
        (
            [*PLAN, "--loss-fraction", "nan"],
            {"kind": "input", "parameter": "--loss-fraction", "value": "nan"},
        ),
        (
            [*PLAN, "--override", " "],
            {"kind": "input", "parameter": "--override", "value": " "},
        ),
        (
            [*PLAN, "--points", "many"],
            {"kind": "usage", "parameter": "--points", "value": None},
        ),
        (
            ["plan", "--technique", "classic"],
            {"kind": "usage", "parameter": None},
        ),
        (
            ["spec", "--technique", "classic", "--zone", "scalp", "--colour", "red"],
            {"kind": "usage", "parameter": "--colour"},
        ),
        (
            ["spec", "--technique", "classic", "--zone", "chin"],
            {"kind": "unknown name", "parameter": "--zone", "value": "chin"},
        ),
    ],
)
def test_json_errors_on_stderr_with_status_2(
    argv: list[str], expected: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run([*argv, "--json"], capsys)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    error = json.loads(err)["error"]
    assert {k: error[k] for k in expected} == expected
    assert {"kind", "limit", "parameter", "value", "expected", "detail", "message"} <= set(error)
    assert error["message"]


def test_json_errors_of_a_session_are_a_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "session.toml"
    area = '[[areas]]\ntechnique = "classic"\narea = "40 cm^2"\n'
    path.write_text(
        f'{area}zone = "face"\ndepth = "2.2 mm"\n{area}zone = "chin"\n', encoding="utf-8"
    )
    status, out, err = _run(["session", str(path), "--json"], capsys)
    assert (status, out) == (2, "")
    errors = json.loads(err)["errors"]
    assert [(e["kind"], e["parameter"]) for e in errors] == [
        ("soft limit", "areas[0].depth"),
        ("unknown name", "areas[1].zone"),
    ]
    assert errors[1]["value"] == "chin"
    status, out, err = _run(["session", str(tmp_path / "missing.toml"), "--json"], capsys)
    assert status == 2
    assert json.loads(err)["error"]["parameter"] == "file"


# --- gauges and percentages as Python takes them ----------------------------------------------


def test_a_gauge_as_30g_and_a_loss_as_50_percent(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", "--technique", "nappage", "--zone", "scalp", "--area", "24 cm^2", "--json"]
    flags = ["--needle-gauge", "30G", "--needle-length", "13 mm", "--loss-fraction", "50 %"]
    status, out, _ = _run([*argv, *flags], capsys)
    assert status == 0
    python = mesocalc.plan(
        technique="nappage",
        zone="scalp",
        area="24 cm^2",
        needle=mesocalc.Needle(gauge="30G", length="13 mm"),
        loss_fraction="50 %",
    )
    assert json.loads(out) == python.to_dict()
    assert json.loads(out)["needle"]["gauge"] == 30
    assert (
        main([*argv, "--loss-fraction", "0.5", "--needle-gauge", "30", "--needle-length", "13 mm"])
        == 0
    )
    assert json.loads(capsys.readouterr().out) == python.to_dict()


# --- the console script ------------------------------------------------------------------------


def test_the_console_script_is_the_one_entry_point() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"]["mesocalc"] == "mesocalc._exchange.cli:console"
    main_py = (ROOT / "src" / "mesocalc" / "__main__.py").read_text(encoding="utf-8")
    assert "console()" in main_py
    assert "BrokenPipeError" not in main_py  # handled once, in console()


def _to_a_closed_pipe(command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``command`` writing into a pipe whose reader has gone before it writes a byte."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            command, stdout=write, stderr=subprocess.PIPE, text=True, check=False, timeout=120
        )
    finally:
        os.close(write)


CONSOLE = [sys.executable, "-c", "from mesocalc._exchange.cli import console; console()"]


@pytest.mark.parametrize(
    "argv",
    [
        ["techniques"],
        ["spec", "--technique", "classic", "--zone", "face", "--json"],
        PLAN,
        ["plan", "--help"],
        ["--version"],
    ],
)
def test_the_console_script_exits_0_on_a_closed_pipe(argv: list[str]) -> None:
    out = _to_a_closed_pipe([*CONSOLE, *argv])
    assert (out.returncode, out.stderr) == (0, "")
    out = _to_a_closed_pipe([sys.executable, "-m", "mesocalc", *argv])
    assert (out.returncode, out.stderr) == (0, "")


def test_the_closed_pipe_test_would_catch_the_old_entry_point() -> None:
    old = [
        sys.executable,
        "-c",
        "import sys; from mesocalc._exchange.cli import main; sys.exit(main())",
    ]
    out = _to_a_closed_pipe([*old, "techniques"])
    assert out.returncode != 0
    assert "BrokenPipeError" in out.stderr


def test_the_console_script_keeps_the_status_of_errors() -> None:
    out = subprocess.run(
        [*CONSOLE, *PLAN, "--depth", "0 mm", "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert (out.returncode, out.stdout) == (2, "")
    assert json.loads(out.stderr)["error"]["kind"] == "domain"


# --- hostile command lines ---------------------------------------------------------------------


@given(mst.command_lines())
def test_any_command_line_ends_with_status_0_or_2(argv: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as stop:  # --help and --version
            status = stop.code  # type: ignore[assignment]
    assert status in (0, 2)
    assert "Traceback" not in err.getvalue()
    if status == 2:
        assert err.getvalue()
        if "--json" in argv:
            body = json.loads(err.getvalue())
            assert set(body) in ({"error"}, {"errors"})


@pytest.mark.parametrize("name", ["deep.toml", "nul"])
def test_an_unreadable_session_file_is_named(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * 5000 + "]" * 5000, encoding="utf-8")  # nested past the stack
    where = str(path) if name == "deep.toml" else f"{tmp_path}/a\x00b.toml"
    status, _, err = _run(["session", where], capsys)
    assert status == 2
    assert err.startswith("mesocalc: error: file: got ")
    assert "recursion" not in err
