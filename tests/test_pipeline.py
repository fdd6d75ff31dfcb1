"""The pipeline's rules are one ordered list, which the memo of requests seen before reuses."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import mesocalc
from mesocalc._catalog.catalog import default_catalog
from mesocalc._planning import findings as _findings
from mesocalc._planning import memo as _memo
from mesocalc._planning import pipeline as _pipeline


def test_the_rules_per_area_are_rules_of_the_one_list_in_its_order() -> None:
    positions = [_pipeline.RULES.index(rule) for rule in _pipeline.PER_AREA]
    assert positions == sorted(positions)


def _read(**kwargs: object) -> _pipeline.Run:
    numbers = tuple(
        kwargs.get(n)
        for n in ("area", "spacing", "volume_per_point", "depth", "angle", "loss_fraction")
    )
    names = (kwargs["technique"], kwargs["zone"], kwargs.get("lattice", "square"))
    return _pipeline.read(default_catalog(), names, numbers, (None,) * 9)


def test_a_request_runs_the_rules_that_apply_to_it_in_their_order() -> None:
    current = _read(technique="classic", zone="face", area="40 cm^2")
    rules = _pipeline.rules_for(current.request)
    assert list(rules) == [r for r in _pipeline.RULES if r in rules]
    assert len(rules) < len(_pipeline.RULES)  # no shape, needle or derived volume here


def test_a_request_is_read_into_canonical_magnitudes() -> None:
    current = _read(technique="classic", zone="face", area="40 cm^2", spacing="0.7 cm")
    assert current.area == 4000.0  # mm²
    assert current.request.values["spacing"] == 7.0  # mm
    assert current.request.given["spacing"] == "0.7 cm"  # as given, to be shown


def test_a_request_seen_before_runs_the_rules_per_area_alone() -> None:
    _memo.clear()
    first = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
    (kept,) = _memo._REQUESTS.values()
    assert set(kept.rules) <= set(_pipeline.PER_AREA)
    again = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
    assert again == first
    assert again.warnings == first.warnings


def test_equipment_of_the_wrong_type_is_refused_as_the_request_is_read() -> None:
    hostile: Any = "1 mL"
    with pytest.raises(mesocalc.InputTypeError) as info:
        mesocalc.plan(technique="classic", zone="face", area="4 cm^2", syringe=hostile)
    assert info.value.parameter == "syringe"


def test_the_dose_rule_over_arrays_bounds_from_the_extremes_the_reading_found() -> None:
    """A run not made by read (over some elements of another) finds its areas' extremes."""
    current = _read(technique="classic", zone="face", area=["4 cm^2", "40 cm^2", "7 cm^2"])
    assert current.extremes == (400.0, 4000.0)  # mm², found as the areas were checked
    _pipeline.run(current)
    current.extremes = None
    _pipeline.run(current)  # the same rules, the extremes found again
    found: Any = current.extremes  # set by the rule, which mypy does not see
    assert found == (400.0, 4000.0)
    dose = _pipeline.PER_AREA[3]
    assert dose.__name__ == "_dose"
    current.extremes = (1e-320, 4000.0)  # a bound that overflows: the elements decide
    dose(current)
    empty = _read(technique="classic", zone="face", area=["4 cm^2"])
    empty.area, empty.extremes = empty.area[:0], None
    dose(empty)  # no element: nothing to refuse
    assert empty.extremes is None


def test_the_rules_a_stored_plan_runs_are_rules_of_the_one_list_in_its_order() -> None:
    positions = [_pipeline.RULES.index(rule) for rule in _pipeline.STORED]
    assert positions == sorted(positions)
    assert _pipeline.COUNT in _pipeline.RULES
    assert _pipeline.COUNT not in _pipeline.STORED  # compared with the stored count, not taken


# Submental infiltration: a session cap of 50 points (KYB), which large areas pass.
_CAPPED = {"technique": "infiltration", "zone": "submental"}


def test_findings_name_every_element_a_rule_refuses_with_its_scalar_error() -> None:
    areas = ["10 cm^2", "80 cm^2", "20 cm^2", "90 cm^2", "95 cm^2", "30 cm^2"]
    found, rest = _findings.findings(_read(**_CAPPED, area=areas))
    assert sorted(found) == [(1,), (3,), (4,)]
    for (i,), error in found.items():
        with pytest.raises(mesocalc.MesocalcError) as alone:
            mesocalc.plan(technique="infiltration", zone="submental", area=areas[i])
        assert (type(error), error.parameter) == (type(alone.value), alone.value.parameter)
    good = [a for i, a in enumerate(areas) if (i,) not in found]
    plans = mesocalc.plan(technique="infiltration", zone="submental", area=good)
    assert rest.request.shape == (3,)
    assert list(rest.count) == list(plans.points)
    assert rest.warnings == tuple(plans.warning_records[: len(rest.warnings)])


def test_findings_of_a_request_no_rule_refuses_are_none() -> None:
    found, rest = _findings.findings(_read(**_CAPPED, area=[["10 cm^2"], ["20 cm^2"]]))
    assert found == {}
    plans = mesocalc.plan(technique="infiltration", zone="submental", area=["10 cm^2", "20 cm^2"])
    assert list(rest.count) == list(plans.points)


def test_an_error_naming_no_element_refuses_every_element_left() -> None:
    current = _read(**_CAPPED, area=["10 cm^2", "20 cm^2"])
    current.request.values["spacing"] = 1e-9  # in mm: more points than a float counts
    found, rest = _findings.findings(current)
    assert sorted(found) == [(0,), (1,)]
    assert {(type(e), e.parameter, e.index) for e in found.values()} == {
        (mesocalc.InvalidValueError, "spacing", None)
    }
    assert rest.request.shape == (0,)


def test_findings_find_an_element_a_rule_checks_apart_behind_one_it_names_first() -> None:
    # 40 points of 0.3 mL pass the cap of 50 points but not that of 10 mL (KYB); the cap on
    # points, checked first, names the second element first.
    current = _read(**_CAPPED, area=["40 cm^2", "60 cm^2"])
    current.request.values["volume_per_point"] = np.array([0.3, 0.1])
    found, rest = _findings.findings(current)
    assert {k: e.parameter for k, e in found.items()} == {(0,): "total_volume", (1,): "points"}
    assert rest.request.shape == (0,)
