"""``mesocalc screen FILE.toml`` (issue 18): exit 0 clear, 1 not clear, 2 bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mesocalc._exchange.cli import main

ANSWERED = """\
[patient]
pregnant = false
breastfeeding = false
clotting_disorder = false
capillary_fragility = false
hypertension_stage = 0
skin_infection_at_site = false
allergies = []
recent_medications = {}
"""


def _screen(
    tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str], *flags: str
) -> tuple[int, str, str]:
    path = tmp_path / "patient.toml"
    path.write_text(text, encoding="utf-8")
    status = main(["screen", str(path), *flags])
    out, err = capsys.readouterr()
    return status, out, err


def test_a_clear_patient_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _screen(tmp_path, 'product = ["hyaluronic acid"]\n' + ANSWERED, capsys)
    assert (status, out, err) == (0, "clear\n", "")
    status, out, _ = _screen(tmp_path, ANSWERED, capsys, "--json")
    data = json.loads(out)
    assert (status, data["clear"], data["status"], data["findings"]) == (0, True, "clear", [])


def test_findings_exit_1_and_are_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = ANSWERED.replace(
        "recent_medications = {}", 'recent_medications = { "Warfarine 5 mg" = 2 }'
    )
    status, out, err = _screen(tmp_path, text, capsys)
    assert (status, err) == (1, "")
    lines = out.splitlines()
    assert lines[0] == "not clear: 1 finding"
    assert lines[1].startswith("absolute: warfarin: 'Warfarine 5 mg' (read as warfarin)")
    status, out, _ = _screen(tmp_path, text, capsys, "--json")
    data = json.loads(out)
    assert (status, data["clear"], data["findings"][0]["condition"]) == (1, False, "warfarin")


def test_a_patient_not_asked_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _screen(tmp_path, "[patient]\n", capsys)
    assert (status, out) == (1, "not screened: no question was answered\n")
    status, out, _ = _screen(tmp_path, ANSWERED.replace("pregnant = false\n", ""), capsys)
    assert (status, out) == (1, "not clear: not asked: pregnant\n")


def test_the_product_from_the_file_or_the_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = 'product = ["glycerol"]\n' + ANSWERED
    status, out, _ = _screen(tmp_path, text, capsys)
    assert (status, out) == (1, "not clear: unscreened: product: glycerol\n")
    status, out, _ = _screen(tmp_path, text, capsys, "--product", "HA", "--product", "water")
    assert (status, out) == (0, "clear\n")
    text = 'product = ["deoxycholic acid"]\n' + ANSWERED
    status, out, _ = _screen(tmp_path, text, capsys)
    assert status == 1
    assert "not asked: dysphagia, thyromegaly, cervical_lymphadenopathy" in out


@pytest.mark.parametrize(
    ("text", "parameter", "said"),
    [("[patient\n", "file", "expected valid TOML"),
     ("[patient]\npregnent = true\n", "patient.pregnent", "did you mean 'pregnant'?"),
     ("[patiant]\n", "file", "did you mean 'patient'?"),
     ('patient = "none"\n', "patient", "a [patient] table"),
     ("product = []\n", "patient", "a [patient] table"),
     ('[patient]\npregnant = "no"\n', "patient.pregnant", "got 'no'"),
     ("[patient]\nage = -4\n", "patient.age", "a whole number from 0 to 150"),
     ("[patient]\nage = 1979-01-01\n", "patient.age", "a whole number"),
     ("[patient]\nhypertension_stage = 2.0\n", "patient.hypertension_stage", "whole number"),
     ('[patient]\nallergies = "latex"\n', "patient.allergies", "a tuple of non-blank strings"),
     ('[patient]\nrecent_medications = { aspirin = "3 days" }\n',
      "patient.recent_medications['aspirin']", "a number of days"),
     ("[patient]\nlactating = true\nbreastfeeding = false\n", "patient.lactating", "same answer"),
     ('product = "HA"\n[patient]\n', "product", "a tuple of component names"),
     ("product = [3]\n[patient]\n", "product", "a tuple of component names")],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, parameter: str, said: str
) -> None:
    status, out, err = _screen(tmp_path, text, capsys)
    assert (status, out) == (2, "")
    assert err.startswith(f"mesocalc: error: {parameter}: ")
    assert len(err.splitlines()) == 1
    assert said in err
    status, out, err = _screen(tmp_path, text, capsys, "--json")
    assert status == 2
    assert json.loads(err)["error"]["parameter"] == parameter


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["screen", str(tmp_path / "nowhere.toml")])
    _, err = capsys.readouterr()
    assert status == 2
    assert err.startswith("mesocalc: error: file: ")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=50)
@given(st.text(max_size=200))
def test_any_text_exits_0_1_or_2_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    status, _, err = _screen(tmp_path, text, capsys)
    assert status in (0, 1, 2)
    assert "Traceback" not in err


AREA = '[[areas]]\ntechnique = "classic"\nzone = "face"\narea = "40 cm^2"\n'


def _session(
    tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str], *flags: str
) -> tuple[int, str, str]:
    path = tmp_path / "session.toml"
    path.write_text(text, encoding="utf-8")
    status = main(["session", str(path), *flags])
    out, err = capsys.readouterr()
    return status, out, err


def test_a_session_file_screens_its_patient(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = AREA + ANSWERED.replace(
        "recent_medications = {}", "recent_medications = { garlic = 1 }"
    )
    status, out, err = _session(tmp_path, 'product = "deoxycholic acid"\n' + text, capsys)
    assert (status, err) == (0, "")
    assert "screening" in out
    assert "screening: relative: garlic:" in out
    status, out, _ = _session(tmp_path, text, capsys, "--json")
    assert (status, json.loads(out)["patient"]["recent_medications"]) == (0, {"garlic": 1})
    refused = AREA + ANSWERED.replace("pregnant = false", "pregnant = true")
    status, out, err = _session(tmp_path, refused, capsys)
    assert (status, out) == (2, "")
    assert err.startswith("mesocalc: error: patient: got 'pregnant'")
    status, _, err = _session(tmp_path, AREA + "[patient]\nage = 1.5\n", capsys)
    assert status == 2
    assert err.startswith("mesocalc: error: patient.age: ")
