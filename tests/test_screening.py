"""Contraindication screening (issue 4; issue 18: not asked is not clear, names normalised)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mesocalc
from mesocalc._catalog.catalog import default_catalog
from tests import strategies
from tests.strategies import answered

SOURCES = {"SEED0", "SEED1", "SEED3", "THECLINIC", "THECLINIC, SEED3", "KONDA", "", "KYB-ISI", "KYB",
           "KYB-ISI, SEED3", "THECLINIC, SEED3, KYB-ISI", "SEED1, KYB-ISI", "THECLINIC, KYB-ISI"}  # fmt: skip
SEVEN_DAYS = ["aspirin", "vitamin e", "st john's wort", "fish oil", "ginkgo",
              "evening primrose oil", "garlic", "ginger", "feverfew", "ginseng"]  # fmt: skip


@given(strategies.patients())
def test_clear_only_without_findings_and_every_finding_is_sourced(
    patient: mesocalc.Patient,
) -> None:
    result = mesocalc.screen(patient)
    assert result.clear == (result.findings == () and result.unscreened == () == result.not_asked)
    for finding in result.findings:
        assert finding.severity in ("absolute", "relative")
        assert finding.reason.strip()
        assert finding.source in SOURCES
        assert (finding.source == "") == (finding.basis == "unsourced")
    conditions = {f.condition for f in result.findings}
    assert ("pregnant" in conditions) == (patient.pregnant is True)
    assert ("hypertension_stage" in conditions) == ((patient.hypertension_stage or 0) >= 2)
    asked = {"pregnant", "breastfeeding", "clotting_disorder", "capillary_fragility",
             "hypertension_stage", "skin_infection_at_site", "allergies", "recent_medications"}  # fmt: skip
    assert set(result.not_asked) == {n for n in asked if getattr(patient, n) is None}
    assert "age" not in conditions  # recorded, never a finding


COMPONENTS = ["hyaluronic acid", "Sodium Hyaluronate", "water for injection", "lidocaine",
              "glycerol", "paraffin oil", "Oil-based vitamin", "ethanol 96 %", "benzyl alcohol",
              "boiling water", "soil extract"]  # fmt: skip


@given(strategies.patients(), st.none() | st.lists(st.sampled_from(COMPONENTS), max_size=4))
def test_clear_means_no_findings_and_nothing_unscreened(
    patient: mesocalc.Patient, product: list[str] | None
) -> None:
    result = mesocalc.screen(patient, product=product)
    if result.clear:
        assert result.findings == ()
        assert result.unscreened == ()
    unknown = [n for n in patient.recent_medications or {} if n in ("metformin", "vitamin D")]
    assert set(unknown) <= set(result.unscreened)
    judged = {"hyaluronic acid", "Sodium Hyaluronate", "water for injection"}
    if unknown or (product and not judged >= set(product)):
        assert not result.clear
    for finding in result.findings:
        assert finding.source in SOURCES
        for key in filter(None, finding.source.split(", ")):
            assert key in default_catalog().sources


def test_an_empty_patient_is_not_screened() -> None:
    # Issue 18: Patient() used to be "clear"; nothing was asked, so it is "not screened".
    result = mesocalc.screen(mesocalc.Patient())
    assert not result.clear
    assert result.findings == ()
    assert result.unscreened == ()
    assert result.not_asked == ("pregnant", "breastfeeding", "clotting_disorder",
        "capillary_fragility", "hypertension_stage", "skin_infection_at_site", "allergies",
        "recent_medications")  # fmt: skip
    assert result.status == "not screened: no question was answered"
    assert result.lines() == [result.status]


def test_a_patient_who_answered_everything_is_clear() -> None:
    result = mesocalc.screen(mesocalc.Patient(**strategies.NOTHING_TO_REPORT))
    assert result.clear
    assert result.status == "clear"
    one_left = {**strategies.NOTHING_TO_REPORT, "pregnant": None}
    result = mesocalc.screen(mesocalc.Patient(**one_left))
    assert (result.clear, result.not_asked) == (False, ("pregnant",))
    assert result.status == "not clear: not asked: pregnant"


@pytest.mark.parametrize(
    ("field", "value"),
    [("pregnant", True), ("breastfeeding", True), ("clotting_disorder", True),
     ("hypertension_stage", 2), ("hypertension_stage", 3), ("skin_infection_at_site", True)],
)  # fmt: skip
def test_seed_003_contraindications_are_absolute(field: str, value: Any) -> None:
    (finding,) = mesocalc.screen(mesocalc.Patient(**{field: value})).findings
    assert (finding.condition, finding.severity, finding.source) == (field, "absolute", "SEED3")


def test_lactating_is_another_name_for_breastfeeding() -> None:
    patient = mesocalc.Patient(lactating=True)
    assert (
        patient
        == mesocalc.Patient(breastfeeding=True)
        == mesocalc.Patient(lactating=True, breastfeeding=True)
    )
    assert patient.lactating is True
    (finding,) = mesocalc.screen(patient).findings
    assert finding.condition == "breastfeeding"
    assert "lactation" in finding.reason
    old = {"schema": "mesocalc.patient", "schema_version": 2, "lactating": True}
    assert mesocalc.Patient.from_dict(old) == patient
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.Patient(lactating=True, breastfeeding=False)
    assert info.value.parameter == "lactating"


def test_hypertension_stage_one_is_not_a_finding() -> None:
    assert mesocalc.screen(answered(hypertension_stage=1)).clear


@pytest.mark.parametrize(
    "name",
    ["warfarin", "Warfarin", "Coumadin", "acenocoumarol", "apixaban", "Eliquis", "rivaroxaban",
     "dabigatran", "edoxaban", "heparin", "enoxaparin", "Clexane", "dalteparin", "tinzaparin"],
)  # fmt: skip
@pytest.mark.parametrize("days", [0, 2.5, 30])
def test_anticoagulants_are_absolute_whatever_the_days(name: str, days: float) -> None:
    result = mesocalc.screen(mesocalc.Patient(recent_medications={name: days}))
    assert not result.clear
    assert result.unscreened == ()
    (finding,) = result.findings
    assert (finding.severity, finding.source) == ("absolute", "THECLINIC, SEED3")
    assert "no stopping window is published" in finding.reason
    assert "an iLive article reviewed 08.07.2025" in finding.reason
    if finding.condition != "warfarin":
        assert "by analogy with warfarin" in finding.reason


def test_warfarin_today_is_absolute() -> None:
    result = mesocalc.screen(mesocalc.Patient(recent_medications={"warfarin": 0}))
    assert not result.clear
    (finding,) = result.findings
    assert (finding.condition, finding.severity) == ("warfarin", "absolute")
    assert finding.source == "THECLINIC, SEED3"
    assert "listed as a contraindication (THECLINIC" in finding.reason


def test_clopidogrel_three_day_window() -> None:
    (finding,) = mesocalc.screen(mesocalc.Patient(recent_medications={"clopidogrel": 1})).findings
    assert (finding.condition, finding.severity, finding.source) == (
        "clopidogrel",
        "relative",
        "THECLINIC",
    )
    assert "2-3 days" in finding.reason
    assert "the longer, 3 days" in finding.reason
    assert mesocalc.screen(mesocalc.Patient(recent_medications={"Plavix": 2.9})).findings
    assert mesocalc.screen(answered(recent_medications={"clopidogrel": 3})).clear
    assert mesocalc.screen(answered(recent_medications={"clopidogrel": 5})).clear


@pytest.mark.parametrize("name", ["prasugrel", "Effient", "ticagrelor", "Brilinta"])
@pytest.mark.parametrize("days", [0, 5, 30])
def test_prasugrel_and_ticagrelor_are_relative_by_analogy(name: str, days: float) -> None:
    (finding,) = mesocalc.screen(mesocalc.Patient(recent_medications={name: days})).findings
    assert (finding.severity, finding.source) == ("relative", "THECLINIC")
    assert "by analogy with clopidogrel" in finding.reason
    assert "no window is published" in finding.reason


def test_an_unknown_medication_is_not_clear() -> None:
    result = mesocalc.screen(mesocalc.Patient(recent_medications={"metformin": 0}))
    assert result.findings == ()
    assert result.unscreened == ("metformin",)
    assert not result.clear


def test_capillary_fragility_is_relative() -> None:
    (finding,) = mesocalc.screen(mesocalc.Patient(capillary_fragility=True)).findings
    assert (finding.condition, finding.severity, finding.source) == (
        "capillary_fragility",
        "relative",
        "SEED3",
    )
    assert "impaired elasticity of the capillary wall" in finding.reason
    assert "(seed 003, an iLive article reviewed 08.07.2025)" in finding.reason


@pytest.mark.parametrize(
    ("component", "word"),
    [("paraffin oil", "oil"), ("Paraffin Oil", "oil"), ("oil-based vitamin", "oil"),
     ("ethanol 96 %", "ethanol"), ("benzyl alcohol", "alcohol"), ("Oleum ricini", "oleum")],
)  # fmt: skip
def test_oil_or_alcohol_based_components_are_absolute(component: str, word: str) -> None:
    result = mesocalc.screen(answered(), product=("hyaluronic acid", component))
    (finding,) = result.findings
    assert finding.condition == f"product: {component}"
    assert (finding.severity, finding.source) == ("absolute", "KONDA")
    assert repr(word) in finding.reason
    assert "necrosis" in finding.reason
    assert result.unscreened == ()
    assert not result.clear


def test_components_are_matched_as_whole_words() -> None:
    result = mesocalc.screen(mesocalc.Patient(), product=("soil extract", "boiling water"))
    assert result.findings == ()
    assert result.unscreened == ("product: soil extract", "product: boiling water")


def test_components_mesocalc_cannot_judge_are_unscreened() -> None:
    result = mesocalc.screen(
        mesocalc.Patient(), product=("Hyaluronic Acid", "sodium hyaluronate", "glycerol")
    )
    assert result.findings == ()
    assert result.unscreened == ("product: glycerol",)
    assert not result.clear
    assert mesocalc.screen(answered(), product=("water for injections",)).clear
    assert mesocalc.screen(answered(), product=()).clear
    assert mesocalc.screen(answered(), product=("HA", "hyaluronan", "deoxycholic acid")).clear


def test_hypertension_stage_is_the_clinicians() -> None:
    doc = mesocalc.Patient.__doc__ or ""
    assert "the stage the clinician assigns" in doc
    assert "does not map blood pressures to stages" in " ".join(doc.split())


@pytest.mark.parametrize("name", SEVEN_DAYS)
def test_seed_001_seven_day_window(name: str) -> None:
    assert not mesocalc.screen(answered(recent_medications={name: 6.5})).clear
    assert mesocalc.screen(answered(recent_medications={name: 7})).clear


@pytest.mark.parametrize("name", ["ibuprofen", "Advil", "Motrin", "alcohol"])
def test_seed_001_two_day_window(name: str) -> None:
    (finding,) = mesocalc.screen(mesocalc.Patient(recent_medications={name: 1})).findings
    assert (finding.severity, finding.source) == ("relative", "SEED1")
    assert mesocalc.screen(answered(recent_medications={name: 2})).clear


def test_names_are_matched_case_insensitively_and_unknown_ones_listed() -> None:
    result = mesocalc.screen(
        mesocalc.Patient(recent_medications={"ASPIRIN": 0, "St. John’s Wort": 3, "metformin": 0})
    )
    assert [f.condition for f in result.findings] == ["aspirin", "st john's wort"]
    assert result.unscreened == ("metformin",)
    near_miss = mesocalc.screen(mesocalc.Patient(recent_medications={"vitamin D": 0}))
    assert near_miss.findings == ()  # not guessed to be vitamin E
    assert near_miss.unscreened == ("vitamin D",)
    assert not near_miss.clear


def test_allergies_against_the_product() -> None:
    patient = answered(allergies=("Lidocaine",))
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
        ({"capillary_fragility": 1}, mesocalc.InputTypeError),
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
    with pytest.raises(mesocalc.InputTypeError):
        mesocalc.screen(mesocalc.Patient(), product=("paraffin oil", " "))


def test_bad_product_rules_are_catalog_errors() -> None:
    from mesocalc._clinic.screening import _parse_rules  # noqa: PLC0415
    from mesocalc._engine.files import read_text  # noqa: PLC0415

    text = read_text("screening.toml")
    assert _parse_rules(text).product.water_based
    for old, new in [
        ('water_based = ["water"', 'water_based = ["olive oil", "water"'),
        ('forbidden = ["oil"', 'forbidden = [3, "oil"'),
        ('source = ["KONDA"]', 'source = ["NOWHERE"]'),
        ('class = "antiplatelet"\ndays = 3', 'class = "antiplatelet"\ndays = -3'),
    ]:
        assert old in text
        with pytest.raises(mesocalc.CatalogError):
            _parse_rules(text.replace(old, new, 1))


def test_patients_are_immutable_and_hashable() -> None:
    meds = {"aspirin": 3}
    patient = mesocalc.Patient(recent_medications=meds)
    meds["aspirin"] = 30
    assert patient.recent_medications is not None
    assert patient.recent_medications["aspirin"] == 3
    hash(patient)


def test_validators_have_readable_reprs() -> None:
    from mesocalc._quantities import validators as _validators  # noqa: PLC0415

    assert repr(_validators.whole(0, 3)) == "<whole validator for 0 to 3>"
    assert repr(_validators.non_blank()) == "<non-blank validator>"
