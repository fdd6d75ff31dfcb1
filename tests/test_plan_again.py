"""A request planned before is planned again from what its checks kept: the same plan."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mesocalc
from mesocalc._planning import memo as _memo
from mesocalc._quantities.units import Dim, magnitude, quantity

AREAS = st.floats(0.01, 400.0).map(lambda cm2: f"{cm2!r} cm^2")


def _fresh(**kwargs: Any) -> Any:
    _memo.clear()
    return mesocalc.plan(**kwargs)


@given(AREAS, AREAS, st.sampled_from(["classic", "nappage", "papular"]))
def test_a_request_seen_before_plans_as_a_fresh_one(first: str, second: str, how: str) -> None:
    kwargs: dict[str, Any] = {"technique": how, "zone": "face", "loss_fraction": "10 %"}
    try:
        _fresh(**kwargs, area=first)
    except mesocalc.MesocalcError:
        return
    try:
        again = mesocalc.plan(**kwargs, area=second)
    except mesocalc.MesocalcError as exc:
        with pytest.raises(type(exc)) as fresh:
            _fresh(**kwargs, area=second)
        assert str(fresh.value) == str(exc)
        return
    assert again == _fresh(**kwargs, area=second)
    assert again.warnings == _fresh(**kwargs, area=second).warnings


def test_inputs_that_compare_equal_but_plan_differently_are_not_confused() -> None:
    face: dict[str, Any] = {"technique": "classic", "zone": "face", "area": "40 cm^2"}
    plus, minus = (
        mesocalc.plan(**face, loss_fraction=0.0),
        mesocalc.plan(**face, loss_fraction=-0.0),
    )
    assert str(plus.loss_fraction) == "0.0"
    assert str(minus.loss_fraction) == "-0.0"
    with pytest.raises(mesocalc.InputTypeError):
        mesocalc.plan(**face, loss_fraction=True)  # after 1 was planned, True is still refused
    mesocalc.plan(**face, loss_fraction=1 / 2)
    with pytest.raises(mesocalc.InputTypeError):
        mesocalc.plan(**face, loss_fraction=True)


def test_quantities_and_strings_with_a_departure_are_planned_in_full_each_time() -> None:
    face: dict[str, Any] = {"technique": "classic", "zone": "face"}
    spacing = quantity(30.0, "millimeter")  # beyond the face's range: refused each time
    for _ in range(2):
        with pytest.raises(mesocalc.SoftLimitError):
            mesocalc.plan(**face, area="40 cm^2", spacing=spacing)
    a = mesocalc.plan(**face, area=quantity(40.0, "centimeter ** 2"), spacing=quantity(7.0, "mm"))
    b = mesocalc.plan(**face, area=quantity(80.0, "centimeter ** 2"), spacing=quantity(7.0, "mm"))
    assert (a.points, b.points) == (82, 164)


@given(st.integers(min_value=-(2**60), max_value=2**60), st.sampled_from(["cm^2", "mm^2", "m^2"]))
def test_a_quantity_of_an_int_reads_as_its_float(number: int, unit: str) -> None:
    """Ints a float holds exactly take the quick path; larger ones the checked one: one value."""

    magnitude(quantity(1.0, unit), "area", Dim.AREA)  # its factor seen: the quick path is open
    try:
        expected = magnitude(quantity(float(number), unit), "area", Dim.AREA)
    except mesocalc.MesocalcError as exc:
        with pytest.raises(type(exc)):
            magnitude(quantity(number, unit), "area", Dim.AREA)
        return
    assert magnitude(quantity(number, unit), "area", Dim.AREA) == expected


def test_a_quantity_of_an_int_beyond_any_float_is_refused_after_its_unit_was_seen() -> None:
    mesocalc.plan(technique="classic", zone="face", area=quantity(40, "centimeter ** 2"))
    with pytest.raises(mesocalc.InvalidValueError, match="too large"):
        mesocalc.plan(technique="classic", zone="face", area=quantity(10**400, "centimeter ** 2"))
