"""Sessions and courses screen their patient (issue 18)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given

import mesocalc
from mesocalc._catalog.warnings import WarningCode
from tests.strategies import answered, patients

FACE = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
CHIN = mesocalc.plan(
    technique="infiltration",
    zone="submental",
    area="10 cm^2",
    spacing="1 cm",
    volume_per_point="0.2 mL",
)
HA = mesocalc.Product(name="hyaluronic acid")
DCA = mesocalc.product("deoxycholic acid")


def _through_json(data: dict[str, Any]) -> Any:
    return json.loads(json.dumps(data))


def test_a_session_without_a_patient_is_not_screened_and_says_nothing() -> None:
    s = mesocalc.Session(plans=[FACE], product=HA)
    assert s.screening is None
    assert "screening" not in s.to_dict()
    assert all(
        r.code not in ("screening-finding", "screening-incomplete") for r in s.warning_records
    )


def test_a_clear_patient_gives_a_clear_session() -> None:
    s = mesocalc.Session(plans=[FACE], product=HA, patient=answered())
    assert s.screening is not None
    assert s.screening.clear
    assert ("screening", "clear") in s.rows()
    assert not any(r.parameter == "patient" for r in s.warning_records)


def test_an_empty_patient_is_not_screened_and_the_session_warns() -> None:
    s = mesocalc.Session(plans=[FACE], product=HA, patient=mesocalc.Patient())
    assert s.screening is not None
    assert not s.screening.clear
    (incomplete,) = [r for r in s.warning_records if r.code is WarningCode.SCREENING_INCOMPLETE]
    assert incomplete.parameter == "patient"
    assert "not screened: no question was answered" in incomplete.text
    assert "screening: not screened" in s.table()


def test_an_absolute_finding_refuses_the_session() -> None:
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.Session(plans=[FACE], product=HA, patient=answered(pregnant=True))
    error = info.value
    assert (error.parameter, error.value, error.source) == ("patient", "pregnant", "SEED3")
    assert "pregnancy" in str(error)
    with pytest.raises(mesocalc.HardLimitError, match="also absolute: warfarin"):
        mesocalc.Session(
            plans=[FACE], patient=answered(pregnant=True, recent_medications={"warfarin": 1})
        )


def test_a_relative_finding_warns_in_the_session() -> None:
    s = mesocalc.Session(
        plans=[FACE], product=HA, patient=answered(recent_medications={"Aspirin 81 mg": 2})
    )
    (found,) = [r for r in s.warning_records if r.code is WarningCode.SCREENING_FINDING]
    assert (found.parameter, found.sources, found.basis) == ("patient", ("SEED1",), "stated")
    assert found.text.startswith("screening: relative: aspirin:")
    assert "not clear: 1 finding" in s.table()
    keloids = mesocalc.Session(plans=[FACE], product=HA, patient=answered(keloid_history=True))
    (unsourced,) = [r for r in keloids.warning_records if r.parameter == "patient"]
    assert (unsourced.basis, unsourced.sources) == ("unsourced", ())


def test_the_product_label_says_otherwise_for_anticoagulants() -> None:
    patient = answered(recent_medications={"Xarelto": 1})
    with pytest.raises(mesocalc.HardLimitError):
        mesocalc.Session(plans=[CHIN], product=HA, patient=patient)
    s = mesocalc.Session(plans=[CHIN], product=DCA, patient=patient)
    assert s.screening is not None
    (finding,) = s.screening.findings
    assert (finding.severity, finding.source) == ("relative", "THECLINIC, SEED3, KYB-ISI")
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.Session(plans=[CHIN], product=DCA, patient=answered(skin_infection_at_site=True))
    assert info.value.source == "KYB"


def test_a_session_of_an_unknown_product_is_not_clear() -> None:
    s = mesocalc.Session(
        plans=[FACE], product=mesocalc.Product(name="cocktail 7"), patient=answered()
    )
    assert s.screening is not None
    assert s.screening.unscreened == ("product: cocktail 7",)
    no_product = mesocalc.Session(plans=[FACE], patient=answered(allergies=("lidocaine",)))
    assert no_product.screening is not None
    (allergy,) = no_product.screening.findings
    assert "no product named" in allergy.reason


@given(patients())
def test_sessions_with_patients_round_trip_through_json(patient: mesocalc.Patient) -> None:
    try:
        s = mesocalc.Session(plans=[CHIN], product=DCA, patient=patient, date="2026-12-01")
    except mesocalc.HardLimitError:
        assert mesocalc.screen(patient, product=("deoxycholic acid",)).absolute
        return
    data = _through_json(s.to_dict())
    assert s.screening is not None
    written = _through_json(s.screening.to_dict())
    assert data["screening"] == {k: v for k, v in written.items() if not k.startswith("schema")}
    again = mesocalc.Session.from_dict(data)
    assert again == s
    assert again.screening == s.screening


def test_a_stored_screening_must_be_the_one_mesocalc_computes() -> None:
    s = mesocalc.Session(
        plans=[FACE], product=HA, patient=answered(recent_medications={"aspirin": 1})
    )
    data = _through_json(s.to_dict())
    tampered = {**data, "screening": {**data["screening"], "findings": []}}
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.Session.from_dict(tampered)
    assert info.value.parameter == "screening"
    alone = _through_json(mesocalc.Session(plans=[FACE]).to_dict())
    with pytest.raises(mesocalc.InvalidValueError):
        mesocalc.Session.from_dict({**alone, "screening": data["screening"]})
    without = {k: v for k, v in data.items() if k != "screening"}
    assert mesocalc.Session.from_dict(without) == s  # screened again


@pytest.mark.parametrize(
    "patient", [{"pregnant": True}, "Patient()", 3, mesocalc.Product(name="x")]
)
def test_hostile_patients_are_refused_by_name(patient: Any) -> None:
    with pytest.raises(mesocalc.InputTypeError) as info:
        mesocalc.Session(plans=[FACE], patient=patient)
    assert info.value.parameter == "patient"
    assert "mesocalc.Patient" in str(info.value)


def test_hostile_stored_patients_name_their_path() -> None:
    data = _through_json(mesocalc.Session(plans=[FACE], patient=answered()).to_dict())
    data.pop("screening")
    for key, value in [("pregnant", "yes"), ("age", -3), ("colour", "red")]:
        bad = {**data, "patient": {**data["patient"], key: value}}
        with pytest.raises(mesocalc.InvalidValueError) as info:
            mesocalc.Session.from_dict(bad)
        assert info.value.parameter == f"patient.{key}"


def test_from_requests_takes_the_patient() -> None:
    s = mesocalc.Session.from_requests(
        [{"technique": "classic", "zone": "face", "area": "40 cm^2"}], patient=answered()
    )
    assert s.screening is not None
    assert s.screening.clear


def test_a_course_screens_every_session() -> None:
    patient = answered(recent_medications={"ibuprofen": 1})
    course = mesocalc.Course.lay_out(
        [FACE], first="2026-12-01", count=3, every=7, product=HA, patient=patient
    )
    assert all(s.patient == patient for s in course.sessions)
    assert [s is not None and not s.clear for s in course.screenings] == [True] * 3
    assert sum("screening: relative: ibuprofen" in w for w in course.table().splitlines()) == 1
    with pytest.raises(mesocalc.HardLimitError):
        mesocalc.Course.lay_out(
            [FACE], first="2026-12-01", count=2, every=7, patient=answered(clotting_disorder=True)
        )
    plain = mesocalc.Course.lay_out([FACE], first="2026-12-01", count=2, every=7)
    assert plain.screenings == (None, None)
