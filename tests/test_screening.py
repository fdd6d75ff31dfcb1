"""Contraindication screening (issue 4)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

import mesocalc
from tests import strategies

SEVEN_DAYS = ["aspirin", "vitamin e", "st john's wort", "fish oil", "ginkgo",
              "evening primrose oil", "garlic", "ginger", "feverfew", "ginseng"]  # fmt: skip


@given(strategies.patients())
def test_clear_only_without_findings_and_every_finding_is_sourced(
    patient: mesocalc.Patient,
) -> None:
    result = mesocalc.screen(patient)
    assert result.clear == (result.findings == ())
    for finding in result.findings:
        assert finding.severity in ("absolute", "relative")
        assert finding.reason.strip()
        assert finding.source in {"SEED0", "SEED1", "SEED3"}
    conditions = {f.condition for f in result.findings}
    assert ("pregnant" in conditions) == patient.pregnant
    assert ("hypertension_stage" in conditions) == (patient.hypertension_stage >= 2)


def test_an_empty_patient_is_clear() -> None:
    result = mesocalc.screen(mesocalc.Patient())
    assert result.clear
    assert result.findings == ()


@pytest.mark.parametrize(
    ("field", "value"),
    [("pregnant", True), ("lactating", True), ("clotting_disorder", True),
     ("hypertension_stage", 2), ("hypertension_stage", 3), ("skin_infection_at_site", True)],
)  # fmt: skip
def test_seed_003_contraindications_are_absolute(field: str, value: Any) -> None:
    (finding,) = mesocalc.screen(mesocalc.Patient(**{field: value})).findings
    assert (finding.condition, finding.severity, finding.source) == (field, "absolute", "SEED3")


def test_hypertension_stage_one_is_not_a_finding() -> None:
    assert mesocalc.screen(mesocalc.Patient(hypertension_stage=1)).clear


@pytest.mark.parametrize("name", SEVEN_DAYS)
def test_seed_001_seven_day_window(name: str) -> None:
    assert not mesocalc.screen(mesocalc.Patient(recent_medications={name: 6.5})).clear
    assert mesocalc.screen(mesocalc.Patient(recent_medications={name: 7})).clear


@pytest.mark.parametrize("name", ["ibuprofen", "Advil", "Motrin", "alcohol"])
def test_seed_001_two_day_window(name: str) -> None:
    (finding,) = mesocalc.screen(mesocalc.Patient(recent_medications={name: 1})).findings
    assert (finding.severity, finding.source) == ("relative", "SEED1")
    assert mesocalc.screen(mesocalc.Patient(recent_medications={name: 2})).clear


def test_names_are_matched_case_insensitively_and_unknown_ones_listed() -> None:
    result = mesocalc.screen(
        mesocalc.Patient(recent_medications={"ASPIRIN": 0, "St. John’s Wort": 3, "metformin": 0})
    )
    assert [f.condition for f in result.findings] == ["aspirin", "st john's wort"]
    assert result.unscreened == ("metformin",)
    assert mesocalc.screen(mesocalc.Patient(recent_medications={"vitamin D": 0})).clear


def test_allergies_against_the_product() -> None:
    patient = mesocalc.Patient(allergies=("Lidocaine",))
    (unchecked,) = mesocalc.screen(patient).findings
    assert (unchecked.severity, unchecked.source) == ("relative", "SEED0")
    (matched,) = mesocalc.screen(patient, product=("lidocaine", "hyaluronic acid")).findings
    assert matched.severity == "absolute"
    assert mesocalc.screen(patient, product=["hyaluronic acid"]).clear


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"pregnant": 1}, mesocalc.InputTypeError),
        ({"pregnant": "no"}, mesocalc.InputTypeError),
        ({"hypertension_stage": 4}, mesocalc.InvalidValueError),
        ({"hypertension_stage": 2.0}, mesocalc.InputTypeError),
        ({"allergies": "lidocaine"}, mesocalc.InputTypeError),
        ({"allergies": ("",)}, mesocalc.InvalidValueError),
        ({"recent_medications": {"aspirin": -1}}, mesocalc.InvalidValueError),
        ({"recent_medications": {"aspirin": "3 days"}}, mesocalc.InputTypeError),
        ({"recent_medications": {"aspirin": float("nan")}}, mesocalc.InvalidValueError),
        ({"recent_medications": [("aspirin", 3)]}, mesocalc.InputTypeError),
    ],
)
def test_bad_patients(kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        mesocalc.Patient(**kwargs)


def test_bad_screen_calls() -> None:
    with pytest.raises(mesocalc.InputTypeError):
        mesocalc.screen({"pregnant": True})  # type: ignore[arg-type]
    with pytest.raises(mesocalc.InputTypeError):
        mesocalc.screen(mesocalc.Patient(), product="lidocaine")  # type: ignore[arg-type]


def test_patients_are_immutable_and_hashable() -> None:
    meds = {"aspirin": 3}
    patient = mesocalc.Patient(recent_medications=meds)
    meds["aspirin"] = 30
    assert patient.recent_medications["aspirin"] == 3
    hash(patient)


def test_validators_have_readable_reprs() -> None:
    from mesocalc import _validators  # noqa: PLC0415

    assert repr(_validators.whole(0, 3)) == "<whole validator for 0 to 3>"
    assert repr(_validators.non_blank()) == "<non-blank validator>"
