"""Warnings as records: a code, the parameter, the basis, the source keys, the text (issue 11)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given

import mesocalc
from mesocalc.testing.strategies import plan_requests

_OVERRIDE = mesocalc.Override(reason="the protocol's own numbers", by="Dr A")


def test_a_default_from_an_unsourced_range_is_a_record_with_its_code() -> None:
    p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
    (loss,) = [r for r in p.warning_records if r.parameter == "loss_fraction"]
    assert loss.code is mesocalc.WarningCode.RANGE_UNSOURCED
    assert loss.basis is mesocalc.Basis.UNSOURCED
    assert loss.sources == ()
    assert str(loss) == loss.text == p.warnings[0]


def test_an_override_is_recorded_with_the_range_it_departs_from() -> None:
    p = mesocalc.plan(
        technique="classic", zone="face", area="40 cm^2", volume_per_point="0.05 mL",
        override=_OVERRIDE,
    )  # fmt: skip
    (overridden,) = [r for r in p.warning_records if r.code == "overridden"]
    assert overridden.parameter == "volume_per_point"
    assert overridden.sources == ("SEED3", "AMIN")
    assert "overridden by Dr A" in overridden.text


def test_a_given_value_checked_against_an_analogue_range_says_so() -> None:
    p = mesocalc.plan(technique="classic", zone="hands", area="80 cm^2", depth="1.5 mm")
    codes = {r.parameter: r.code for r in p.warning_records}
    assert codes["depth"] is mesocalc.WarningCode.GIVEN_VALUE_UNPUBLISHED_RANGE
    assert codes["spacing"] is mesocalc.WarningCode.RANGE_ANALOGUE


def test_a_session_names_the_area_of_each_warning() -> None:
    hand = mesocalc.plan(technique="classic", zone="hands", area="80 cm^2")
    vial = mesocalc.Product(name="hyaluronic acid", expires="2027-01-01")
    s = mesocalc.Session(plans=[hand, hand], sides=["left", "right"], product=None)
    areas = {r.area for r in s.warning_records}
    assert areas == {"classic on the hands, left", "classic on the hands, right"}
    assert s.warnings[0].startswith("classic on the hands, left: ")
    undated = mesocalc.Session(plans=[hand], product=vial)
    assert undated.warning_records[0].code is mesocalc.WarningCode.EXPIRY_UNCHECKED


def test_a_course_interval_outside_seed_003s_is_a_record() -> None:
    face = mesocalc.plan(technique="classic", zone="face", area="200 cm^2")
    course = mesocalc.Course.lay_out([face], first="2026-12-01", count=2, every=3)
    (interval,) = course.warning_records
    assert interval.code is mesocalc.WarningCode.INTERVAL_OUTSIDE
    assert interval.sources == ("SEED3",)


@given(plan_requests(units="canonical"))
def test_a_plans_warnings_are_its_records_text_and_survive_json(request: dict[str, Any]) -> None:
    p = mesocalc.plan(**request)
    assert p.warnings == tuple(r.text for r in p.warning_records)
    data = json.loads(json.dumps(p.to_dict()))
    assert [w["code"] for w in data["warnings"]] == [r.code.value for r in p.warning_records]
    assert mesocalc.Plan.from_dict(data).warning_records == p.warning_records


def test_warnings_stored_as_text_read_back_as_notes() -> None:
    p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
    data = {**p.to_dict(), "schema_version": 1, "area": {"value": 4000.0, "unit": "mm2"}}
    data["warnings"] = list(p.warnings)
    again = mesocalc.Plan.from_dict(data)
    assert again.warnings == p.warnings
    assert {r.code for r in again.warning_records} == {mesocalc.WarningCode.NOTE}
