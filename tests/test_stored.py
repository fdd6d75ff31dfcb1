"""Stored plans are checked like new ones (issue 13): from_dict refuses what plan() would."""

from __future__ import annotations

import datetime
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import mesocalc
from mesocalc._catalog.warnings import WarningCode
from mesocalc._exchange.cli import main
from tests.strategies import (
    courses,
    derived_requests,
    plan_requests,
    plans_of_every_kind,
    sessions,
    unpublished_requests,
)

CLINIC = Path(__file__).parent / "data" / "clinic-protocol.toml"
RESULTS = (
    "total_volume",
    "expected_loss",
    "delivered_volume",
    "insertion_length",
    "dose_per_area",
)
OVERRIDE = mesocalc.Override(reason="thick skin", by="Dr A")


def _json(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` through strict JSON: no NaN or infinity may be in it."""
    out: dict[str, Any] = json.loads(json.dumps(data, allow_nan=False))
    return out


def _tampered(plan: mesocalc.Plan, **changes: Any) -> dict[str, Any]:
    """A plan's JSON with ``changes`` made and the results left out (a consistent forgery)."""
    data = {k: v for k, v in _json(plan.to_dict()).items() if k not in RESULTS}
    data.update(changes)
    return data


def _refused(
    data: dict[str, Any], parameter: str, kind: type[Exception] = mesocalc.MesocalcError
) -> None:
    with pytest.raises(kind) as info:
        mesocalc.Plan.from_dict(data)
    assert info.value.parameter == parameter  # type: ignore[attr-defined]


def _mm(m: float) -> dict[str, Any]:
    return {"value": m, "unit": "mm"}


FACE = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
EYELID = mesocalc.plan(technique="classic", zone="eyelid", area="2 cm^2")
DEEP = mesocalc.plan(
    technique="classic", zone="face", area="40 cm^2", depth="2.2 mm", override=OVERRIDE
)


def test_the_examples_round_trip() -> None:
    for p in (FACE, EYELID, DEEP):
        assert mesocalc.Plan.from_dict(_json(p.to_dict())) == p


def test_infiltration_on_the_eyelid_is_refused() -> None:
    _refused(_tampered(EYELID, technique="infiltration"), "technique", mesocalc.HardLimitError)


def test_a_depth_past_the_eyelids_hard_cap_is_refused() -> None:
    _refused(_tampered(EYELID, depth=_mm(1.5)), "depth", mesocalc.HardLimitError)
    # With the stored results, which it contradicts too: the input is named, not a result.
    data = _json(EYELID.to_dict())
    data["depth"] = _mm(1.5)
    _refused(data, "depth", mesocalc.HardLimitError)


def test_one_point_over_40_cm2_is_refused() -> None:
    _refused(_tampered(FACE, points=1), "points")


@pytest.mark.parametrize("area", [-40.0, math.nan, 0.0])
def test_a_negative_zero_or_nan_area_is_refused(area: float) -> None:
    _refused(_tampered(FACE, area={"value": area, "unit": "cm2"}), "area")


def test_an_angle_of_500_degrees_is_refused() -> None:
    _refused(_tampered(FACE, angle={"value": 500.0, "unit": "deg"}), "angle")


def test_a_soft_departure_without_an_override_record_is_refused() -> None:
    data = _tampered(DEEP)
    del data["overrides"]
    _refused(data, "depth", mesocalc.SoftLimitError)


def test_an_override_record_of_a_value_within_range_is_refused() -> None:
    data = _tampered(FACE, overrides=_json(DEEP.to_dict())["overrides"])
    _refused(data, "overrides[0].value")


def test_an_override_record_of_another_value_is_refused() -> None:
    data = _tampered(DEEP)
    data["overrides"][0]["value"] = _mm(2.3)
    _refused(data, "overrides[0].value")


def test_an_override_record_in_other_words_than_the_catalogs_is_refused() -> None:
    data = _tampered(DEEP)
    data["overrides"][0]["allowed"] = "0 to 9 mm"
    _refused(data, "overrides[0].allowed")


def test_two_records_of_one_parameter_are_refused() -> None:
    data = _tampered(DEEP)
    data["overrides"] = data["overrides"] * 2
    _refused(data, "overrides[1].parameter")


def test_tampered_points_are_refused_even_with_matching_results() -> None:
    p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2", total_volume="1 mL")
    forged = mesocalc.plan(technique="classic", zone="face", area="40 cm^2", spacing="5 mm")
    _refused(_tampered(p, points=forged.points), "points")
    # The same forgery with results that agree with it.
    data = _json(p.to_dict())
    data["points"] = forged.points
    for name in ("total_volume", "expected_loss", "delivered_volume"):
        data[name]["value"] *= forged.points / p.points
    data["dose_per_area"]["value"] *= forged.points / p.points
    _refused(data, "points")


def test_a_soft_angle_departure_records_survive_but_a_hard_one_does_not() -> None:
    p = mesocalc.plan(
        technique="classic", zone="face", area="40 cm^2", angle="80 deg", override=OVERRIDE
    )
    assert mesocalc.Plan.from_dict(_json(p.to_dict())) == p
    _refused(_tampered(p, overrides=[]), "angle", mesocalc.SoftLimitError)


def test_a_point_technique_with_a_thread_length_is_refused() -> None:
    _refused(_tampered(FACE, thread_length=_mm(30.0)), "thread_length")


def test_a_needle_too_short_for_the_stored_insertion_is_refused() -> None:
    p = mesocalc.plan(
        technique="classic",
        zone="face",
        area="40 cm^2",
        needle=mesocalc.Needle(gauge=30, length="4 mm"),
    )
    _refused(_tampered(p, needle={**_json(p.to_dict())["needle"], "length": _mm(1.0)}), "needle")


def test_an_unpublished_use_needs_its_warning_record() -> None:
    p = mesocalc.plan(
        technique="point-by-point", zone="face", area="40 cm^2", spacing="10 mm",
        volume_per_point="0.02 mL", depth="2 mm", angle="45 deg", override=OVERRIDE,
    )  # fmt: skip
    assert mesocalc.Plan.from_dict(_json(p.to_dict())) == p
    warnings = [
        w for w in _json(p.to_dict())["warnings"] if w["code"] != WarningCode.UNPUBLISHED_USE
    ]
    _refused(_tampered(p, warnings=warnings), "technique", mesocalc.SoftLimitError)


def test_a_clinic_protocols_plan_needs_its_protocol() -> None:
    clinic = mesocalc.load_protocol(CLINIC)
    p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2", catalog=clinic)
    data = _json(p.to_dict())
    with pytest.raises(mesocalc.InvalidValueError, match="catalog=mesocalc.load_protocol") as info:
        mesocalc.Plan.from_dict(data)
    assert info.value.parameter == "protocol"
    assert mesocalc.Plan.from_dict(data, catalog=clinic) == p
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.Plan.from_dict(_json(FACE.to_dict()), catalog=clinic)
    assert info.value.parameter == "protocol"
    with pytest.raises(mesocalc.InputTypeError):
        mesocalc.Plan.from_dict(data, catalog="clinic.toml")  # type: ignore[arg-type]
    session = mesocalc.Session(plans=[p, p])
    assert mesocalc.Session.from_dict(_json(session.to_dict()), catalog=clinic) == session
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.Session.from_dict(_json(session.to_dict()))
    assert info.value.parameter == "plans[0].protocol"


def test_a_tampered_plan_in_a_session_or_course_is_named_by_its_path() -> None:
    session = mesocalc.Session(plans=[FACE, FACE], date="2026-01-05")
    data = _json(session.to_dict())
    data["plans"][1] = _tampered(FACE, points=1)
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.Session.from_dict(data)
    assert info.value.parameter == "plans[1].points"
    course = mesocalc.Course(sessions=[session])
    stored = _json(course.to_dict())
    stored["sessions"][0] = data
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.Course.from_dict(stored)
    assert info.value.parameter == "sessions[0].plans[1].points"


def test_plans_over_arrays_are_checked_elementwise() -> None:
    plans = mesocalc.plan(technique="classic", zone="eyelid", area=["1 cm^2", "2 cm^2"])
    data = _json(plans.to_dict())
    assert mesocalc.PlanArray.from_dict(data) == plans
    body = {k: v for k, v in data.items() if k not in RESULTS}
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.PlanArray.from_dict({**body, "depth": {"value": [0.5, 1.5], "unit": "mm"}})
    assert (info.value.parameter, info.value.index) == ("depth", (1,))
    with pytest.raises(mesocalc.InvalidValueError) as wrong:
        mesocalc.PlanArray.from_dict({**body, "points": [data["points"][0], 1]})
    assert (wrong.value.parameter, wrong.value.index) == ("points", (1,))


# Strict JSON: no value that would be infinite is computed.


def test_a_subnormal_angle_is_refused_where_the_insertion_length_is_computed() -> None:
    with pytest.raises(mesocalc.DomainError) as info:
        mesocalc.plan(
            technique="classic", zone="face", area="40 cm^2", angle="1e-320 deg", override=OVERRIDE
        )
    assert info.value.parameter == "angle"
    # A stored plan with that angle and its override record, as an older mesocalc wrote it.
    data = _tampered(DEEP, angle={"value": 1e-320, "unit": "deg"})
    record = {**data["overrides"][0], "parameter": "angle", "allowed": "45 to 60 deg"}
    data["overrides"].append({**record, "value": {"value": 1e-320, "unit": "deg"}})
    with pytest.raises(mesocalc.DomainError) as info:
        mesocalc.Plan.from_dict(data)
    assert info.value.parameter == "angle"


def test_a_subnormal_area_is_refused_where_the_dose_per_area_is_computed() -> None:
    with pytest.raises(mesocalc.DomainError) as info:
        mesocalc.plan(technique="classic", zone="face", area="1e-320 cm^2")
    assert info.value.parameter == "area"
    with pytest.raises(mesocalc.DomainError) as info:
        mesocalc.plan(technique="classic", zone="face", area=["1 cm^2", "1e-320 cm^2"])
    assert (info.value.parameter, info.value.index) == ("area", (1,))


def test_the_cli_never_prints_infinity(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", "--technique", "classic", "--zone", "face", "--area", "40 cm^2"]
    assert main([*argv, "--angle", "1e-320 deg", "--override", "test", "--json"]) == 2
    out, err = capsys.readouterr()
    assert "Infinity" not in out
    assert "angle" in err


# Properties: every plan() output reads back; a corrupted one is refused or a real plan.


@st.composite
def _stored_plans(draw: st.DrawFn) -> mesocalc.Plan | mesocalc.PlanArray:
    kind = draw(st.sampled_from(["every", "derived", "unpublished"]))
    if kind == "every":
        return draw(plans_of_every_kind())
    request = draw(derived_requests() if kind == "derived" else unpublished_requests())
    try:
        planned: mesocalc.Plan | mesocalc.PlanArray = mesocalc.plan(**request)
    except mesocalc.MesocalcError:
        assume(False)
        raise
    return planned


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(_stored_plans())
def test_every_plan_reads_back_from_strict_json(p: mesocalc.Plan | mesocalc.PlanArray) -> None:
    data = _json(p.to_dict())
    assert type(p).from_dict(data) == p


_CLINIC = mesocalc.load_protocol(CLINIC)


@given(plan_requests(catalog=_CLINIC))
def test_every_plan_of_a_clinic_protocol_reads_back_with_it(request: dict[str, Any]) -> None:
    p = mesocalc.plan(**request, catalog=_CLINIC)
    assert type(p).from_dict(_json(p.to_dict()), catalog=_CLINIC) == p


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(sessions())
def test_every_session_and_course_reads_back_from_strict_json(session: mesocalc.Session) -> None:
    assert mesocalc.Session.from_dict(_json(session.to_dict())) == session
    json.dumps(session.to_fhir(patient="Patient/1"), allow_nan=False)
    if session.date is not None:
        course = mesocalc.Course(sessions=[session])
        assert mesocalc.Course.from_dict(_json(course.to_dict())) == course


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(courses())
def test_every_course_reads_back_from_strict_json(course: mesocalc.Course) -> None:
    assert mesocalc.Course.from_dict(_json(course.to_dict())) == course


_INPUTS = ("area", "spacing", "volume_per_point", "depth", "angle", "loss_fraction", "points")
_NAMES = {
    "technique": [t.value for t in mesocalc.Technique],
    "zone": [z.value for z in mesocalc.Zone],
    "lattice": ["square", "hex"],
}
_UNITS = {"area": "cm2", "spacing": "mm", "volume_per_point": "mL", "depth": "mm", "angle": "deg"}


def _replanned(p: mesocalc.Plan) -> mesocalc.Plan:
    """plan() given every stored input (and an override where the record shows one)."""
    codes = {w.code for w in p.warning_records}
    overridden = bool(p.overrides) or bool(
        codes & {WarningCode.UNPUBLISHED_USE, WarningCode.SESSION_CAP_OVERRIDDEN}
    )
    again = mesocalc.plan(
        technique=p.technique, zone=p.zone, area=p.area, spacing=p.spacing,
        volume_per_point=p.volume_per_point, depth=p.depth, angle=p.angle,
        loss_fraction=p.loss_fraction, lattice=p.lattice, needle=p.needle, syringe=p.syringe,
        override=OVERRIDE if overridden else None,
    )  # fmt: skip
    assert isinstance(again, mesocalc.Plan)
    return again


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(
    st.sampled_from(["scalar", "equipment", "any"]).flatmap(
        lambda k: plans_of_every_kind(kinds=(k,))
    ),
    st.sampled_from([*_INPUTS, *_NAMES]).flatmap(
        lambda name: st.tuples(
            st.just(name),
            st.sampled_from(_NAMES[name])
            if name in _NAMES
            else st.floats() | st.integers(min_value=-10, max_value=10**6),
        )
    ),
)
def test_a_corrupted_value_is_refused_or_gives_a_plan_plan_would_make(
    p: mesocalc.Plan | mesocalc.PlanArray, change: tuple[str, Any]
) -> None:
    assert isinstance(p, mesocalc.Plan)
    name, value = change
    data = {k: v for k, v in _json(p.to_dict()).items() if k not in RESULTS}
    plain = name in {"points", "loss_fraction", *_NAMES}
    data[name] = value if plain else {"value": value, "unit": _UNITS[name]}
    try:
        back = mesocalc.Plan.from_dict(data)
    except mesocalc.MesocalcError as exc:
        assert exc.parameter
        return
    json.dumps(back.to_dict(), allow_nan=False)
    again = _replanned(back)
    assert again.points == back.points
    assert [(r.parameter, r.value) for r in again.overrides] == [
        (r.parameter, r.value) for r in back.overrides
    ]


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(
    plans_of_every_kind(kinds=("arrays", "nd")),
    st.sampled_from(_INPUTS),
    st.floats() | st.integers(min_value=-10, max_value=10**6),
    st.integers(min_value=0),
)
def test_a_corrupted_element_is_refused_or_gives_plans_plan_would_make(
    plans: mesocalc.Plan | mesocalc.PlanArray, name: str, value: float, at: int
) -> None:
    assume(isinstance(plans, mesocalc.PlanArray) and plans.points.size)
    assert isinstance(plans, mesocalc.PlanArray)
    data = {k: v for k, v in _json(plans.to_dict()).items() if k not in RESULTS}
    flat = np.array(data[name] if name in {"points", "loss_fraction"} else data[name]["value"])
    flat = np.broadcast_to(flat, plans.shape).astype(object).ravel()
    flat[at % flat.size] = value
    stored = flat.reshape(plans.shape).tolist()
    data[name] = (
        stored if name in {"points", "loss_fraction"} else {"value": stored, "unit": _UNITS[name]}
    )
    try:
        back = mesocalc.PlanArray.from_dict(data)
    except mesocalc.MesocalcError as exc:
        assert exc.parameter
        return
    json.dumps(back.to_dict(), allow_nan=False)
    again = mesocalc.plan(
        technique=back.technique, zone=back.zone, area=back.area, spacing=back.spacing,
        volume_per_point=back.volume_per_point, depth=back.depth, angle=back.angle,
        loss_fraction=np.asarray(back.loss_fraction), lattice=back.lattice,
    )  # fmt: skip
    assert np.array_equal(np.broadcast_to(again.points, back.shape), back.points)


def test_a_session_holds_the_catalog_it_was_read_with_passed_explicitly() -> None:
    clinic = mesocalc.load_protocol(CLINIC)
    p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2", catalog=clinic)
    session = mesocalc.Session.from_requests(
        [{"technique": "classic", "zone": "face", "area": "40 cm^2"}],
        catalog=clinic,
        date=datetime.date(2026, 1, 5),
    )
    assert session.catalog is clinic
    assert session.plans == (p,)
    again = mesocalc.Session.from_dict(_json(session.to_dict()), catalog=clinic)
    assert again == session
    assert again.catalog is clinic  # given to the session and to each plan's from_dict
    assert "catalog" not in session.to_dict()  # not written: the plans name their protocol
    course = mesocalc.Course(sessions=[session])
    read = mesocalc.Course.from_dict(_json(course.to_dict()), catalog=clinic)
    assert read.sessions[0].catalog is clinic
    with pytest.raises(mesocalc.InputTypeError) as info:
        mesocalc.Session(plans=[p], catalog="clinic.toml")  # type: ignore[arg-type]
    assert info.value.parameter == "catalog"


def test_a_stored_plan_past_a_soft_session_cap_needs_the_warning_of_its_override() -> None:
    # Submental infiltration: 50 points a session at most (KYB, an analogue: soft).
    p = mesocalc.plan(
        technique="infiltration", zone="submental", area="80 cm^2", override=OVERRIDE
    )
    codes = [w.code for w in p.warning_records]
    assert WarningCode.SESSION_CAP_OVERRIDDEN in codes
    data = _json(p.to_dict())
    assert mesocalc.Plan.from_dict(data) == p
    data["warnings"] = [
        w for w in data["warnings"] if w["code"] != WarningCode.SESSION_CAP_OVERRIDDEN.value
    ]
    with pytest.raises(mesocalc.SoftLimitError) as info:
        mesocalc.Plan.from_dict(data)
    with pytest.raises(mesocalc.SoftLimitError) as new:
        mesocalc.plan(technique="infiltration", zone="submental", area="80 cm^2")
    assert str(info.value) == str(new.value)
