"""Versioned JSON: every value object round-trips, and mesocalc 0.1.0's JSON still reads."""

from __future__ import annotations

import contextlib
import json
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mesocalc
from mesocalc._quantities.units import quantity
from tests.strategies import patients, plan_requests

OLD = json.loads((Path(__file__).parent / "data" / "plans-0.1.0.json").read_text("utf-8"))


def _through_json(data: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(data))
    return result


@pytest.mark.parametrize("name", sorted(k for k in OLD if k != "array"))
def test_plans_written_by_mesocalc_0_1_0_still_read(name: str) -> None:
    case = OLD[name]
    p = mesocalc.Plan.from_dict(case["json"])
    assert p.points == case["points"]
    assert p.total_volume.to("mL").magnitude == pytest.approx(case["total_volume_ml"])
    assert p.warnings == tuple(case["json"]["warnings"])
    again = mesocalc.Plan.from_dict(_through_json(p.to_dict()))
    assert again == p


def test_a_0_1_0_plan_keeps_its_parts() -> None:
    p = mesocalc.Plan.from_dict(OLD["override_needle_syringe"]["json"])
    assert p.needle == mesocalc.Needle(gauge=30, length="4 mm")
    assert p.syringes == 2
    assert p.draw_up_volume is not None
    assert p.draw_up_volume.to("mL").magnitude == pytest.approx(1.608)
    assert [r.parameter for r in p.overrides] == ["depth"]
    shaped = mesocalc.Plan.from_dict(OLD["rectangle_injector"]["json"])
    assert (shaped.shots, shaped.needles) == (4, 9)
    assert shaped.margin is not None
    assert shaped.margin.to("mm").magnitude == 5.0


def test_arrays_written_by_mesocalc_0_1_0_still_read() -> None:
    case = OLD["array"]
    plans = mesocalc.PlanArray.from_dict(case["json"])
    assert plans.points.tolist() == case["points"]
    assert np.allclose(plans.total_volume.to("mL").magnitude, case["total_volume_ml"])


def test_payloads_name_their_schema_and_version() -> None:
    p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
    data = p.to_dict()
    assert (data["schema"], data["schema_version"]) == ("mesocalc.plan", 2)
    with pytest.raises(mesocalc.InvalidValueError, match="^schema_version: "):
        mesocalc.Plan.from_dict({**data, "schema_version": 99})
    with pytest.raises(mesocalc.InvalidValueError, match="^schema: "):
        mesocalc.Plan.from_dict({**data, "schema": "mesocalc.spec"})


def test_a_plan_on_a_shape_keeps_its_layout_through_json() -> None:
    pytest.importorskip("shapely")
    p = mesocalc.plan(
        technique="classic", zone="face", area=mesocalc.Rectangle("6 cm", "4 cm"), margin="5 mm"
    )
    again = mesocalc.Plan.from_dict(_through_json(p.to_dict()))
    assert again == p
    assert isinstance(again.layout, mesocalc.Layout)
    assert isinstance(p.layout, mesocalc.Layout)
    assert len(again.layout) == len(p.layout) == p.points
    assert np.array_equal(again.layout.points.magnitude, p.layout.points.magnitude)


def test_a_stored_result_that_does_not_follow_from_the_inputs_is_refused() -> None:
    data = mesocalc.plan(technique="classic", zone="face", area="40 cm^2").to_dict()
    data["total_volume"] = {"value": 9.0, "unit": "mL"}
    with pytest.raises(mesocalc.InvalidValueError, match="^total_volume: "):
        mesocalc.Plan.from_dict(data)


@pytest.mark.parametrize(
    ("key", "value", "parameter"),
    [
        ("area", {"value": 4000, "unit": "mm2"}, "area"),
        ("depth", {"value": 0.0, "unit": "mm"}, "depth"),
        ("points", 0, "points"),
        ("zone", "moon", "zone"),
        ("overrides", [{"parameter": "depth"}], "overrides[0].value"),
        ("needle", {"gauge": 30, "length": {"value": 4, "unit": "in"}}, "needle.length"),
        ("surprise", 1, "surprise"),
    ],
)
def test_bad_stored_values_name_their_path(key: str, value: Any, parameter: str) -> None:
    data = mesocalc.plan(technique="classic", zone="face", area="40 cm^2").to_dict()
    data[key] = value
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Plan.from_dict(data)
    assert info.value.parameter == parameter


def test_value_objects_round_trip() -> None:
    objects: list[Any] = [
        mesocalc.Override(reason="thick skin", by="Dr Rossi"),
        mesocalc.Needle(gauge=30, length="4 mm"),
        mesocalc.Syringe.low_dead_space(),
        mesocalc.Injector(needles=9, pitch="3 mm"),
        mesocalc.Patient(pregnant=True, recent_medications={"aspirin": 3}),
        mesocalc.screen(mesocalc.Patient(recent_medications={"aspirin": 3, "tea": 1})),
    ]
    for obj in objects:
        data = _through_json(obj.to_dict())
        assert data["schema"].startswith("mesocalc.")
        assert type(obj).from_dict(data) == obj
    s = mesocalc.spec("retrograde", "face")
    assert mesocalc.Spec.from_dict(_through_json(s.to_dict())) == s


@given(plan_requests())
def test_every_plan_round_trips_through_json(request: dict[str, Any]) -> None:
    p = mesocalc.plan(**request)
    again = mesocalc.Plan.from_dict(_through_json(p.to_dict()))
    assert again == p
    assert hash(again) == hash(p)


@given(patients())
def test_patients_pickle_and_round_trip(patient: mesocalc.Patient) -> None:
    assert pickle.loads(pickle.dumps(patient)) == patient
    assert mesocalc.Patient.from_dict(_through_json(patient.to_dict())) == patient
    assert hash(patient) == hash(mesocalc.Patient.from_dict(patient.to_dict()))


def test_plans_over_arrays_say_why_they_do_not_hash() -> None:
    plans = mesocalc.plan(technique="classic", zone="face", area=["4 cm^2", "40 cm^2"])
    with pytest.raises(TypeError, match="not hashable"):
        hash(plans)
    assert isinstance(plans[0], mesocalc.Plan)
    assert hash(plans[0]) == hash(mesocalc.plan(technique="classic", zone="face", area="4 cm^2"))


# --- stored JSON is untrusted input ---------------------------------------------------------

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats()
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
_SHAPED = mesocalc.plan(
    technique="classic",
    zone="face",
    area=mesocalc.Rectangle("3 cm", "2 cm"),
    margin="2 mm",
    injector=mesocalc.Injector(needles=4),
    syringe=mesocalc.Syringe.conventional(),
    needle=mesocalc.Needle(gauge=30, length="4 mm"),
    depth="2.2 mm",
    override=mesocalc.Override(reason="thick skin"),
).to_dict()
_KEYS = st.sampled_from([*sorted(_SHAPED), "placement.shape", "supply.syringe", "overrides.0"])


def _replaced(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    out = _through_json(data)
    *parents, last = path.split(".")
    node: Any = out
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return out


@given(_KEYS, _JSON)
def test_a_corrupted_plan_is_a_mesocalc_error_or_a_plan(path: str, value: Any) -> None:
    try:
        p = mesocalc.Plan.from_dict(_replaced(_SHAPED, path, value))
    except mesocalc.MesocalcError as exc:
        assert exc.parameter
        return
    assert isinstance(p, mesocalc.Plan)


@given(_JSON)
def test_any_json_is_a_mesocalc_error_or_a_value(data: Any) -> None:
    kinds: list[Any] = [
        mesocalc.Plan,
        mesocalc.PlanArray,
        mesocalc.Spec,
        mesocalc.Override,
        mesocalc.OverrideRecord,
        mesocalc.Needle,
        mesocalc.Syringe,
        mesocalc.Injector,
        mesocalc.Patient,
        mesocalc.Screening,
    ]
    for kind in kinds:
        with contextlib.suppress(mesocalc.MesocalcError):
            kind.from_dict(data)


@pytest.mark.parametrize(
    ("path", "value", "parameter"),
    [
        ("supply.syringes", 0, "supply.syringes"),
        ("supply.syringes", 3, "supply"),  # not what the plan's total needs
        ("placement.shots", -3, "placement.shots"),
        ("placement.margin", {"value": -1.0, "unit": "mm"}, "placement.margin"),
        ("placement.margin", {"value": float("nan"), "unit": "mm"}, "placement.margin"),
        ("placement.margin", {"value": 6.0, "unit": "mm"}, "placement"),  # another layout
        ("needle.gauge", 99, "needle.gauge"),
        ("overrides.0.reason", " ", "overrides[0].reason"),
    ],
)
def test_stored_parts_are_checked_as_new_ones_are(path: str, value: Any, parameter: str) -> None:
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Plan.from_dict(_replaced(_SHAPED, path, value))
    assert info.value.parameter == parameter


def test_a_0_1_0_loss_fraction_record_still_reads() -> None:
    record = OLD["loss_override"]["json"]["overrides"][0]
    assert record["value"]["unit"] == ""  # how 0.1.0 wrote a fraction
    assert mesocalc.OverrideRecord.from_dict(record).value == 0.7


def test_plans_over_arrays_give_the_numbers_of_their_plans() -> None:
    plans = mesocalc.plan(technique="classic", zone="face", area=["0.57 cm^2", "40 cm^2"])
    assert isinstance(plans, mesocalc.PlanArray)
    for i in range(2):
        one = plans[i]
        assert isinstance(one, mesocalc.Plan)
        assert plans.area.magnitude[i] == one.area.magnitude
        assert plans.insertion_length.magnitude[i] == one.insertion_length.magnitude


def test_empty_and_zero_dimensional_arrays() -> None:
    empty = mesocalc.plan(technique="classic", zone="face", area=[])
    assert isinstance(empty, mesocalc.PlanArray)
    assert mesocalc.PlanArray.from_dict(_through_json(empty.to_dict())) == empty
    area = quantity(np.array(40.0), "centimeter ** 2")
    assert isinstance(area.magnitude, np.ndarray)
    assert area.magnitude.shape == ()
    zero_d = mesocalc.plan(technique="classic", zone="face", area=area)  # one area: a Plan
    assert zero_d == mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
