"""Input readers at their limits, and the validators' reprs, which no other test reaches."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import pytest

import mesocalc
from mesocalc._quantities.magnitudes import MAX_DIMS, magnitudes
from mesocalc._quantities.units import _MAX_PAIRS, MAX_ELEMENTS, Dim, length_pairs, quantity


def _plan(**kwargs: Any) -> Any:
    return mesocalc.plan(technique="classic", zone="face", **kwargs)


def test_an_object_array_of_strings_is_planned_as_a_list_is() -> None:
    plans = _plan(area=np.array(["1 cm^2", "2 cm^2"], dtype=object))
    assert list(plans.points) == list(_plan(area=["1 cm^2", "2 cm^2"]).points)


@pytest.mark.parametrize(
    "area", [[["1 cm^2", "2 cm^2"], "3 cm^2"], [["1 cm^2"], [["2 cm^2"]]]], ids=["mixed", "deep"]
)
def test_ragged_nesting_is_refused(area: Any) -> None:
    with pytest.raises(mesocalc.InputTypeError) as info:
        _plan(area=area)
    assert (info.value.parameter, info.value.detail) == ("area", "ragged nesting")


def test_a_numeric_array_of_too_many_elements_is_refused_before_it_is_read() -> None:
    with pytest.raises(mesocalc.InvalidValueError) as info:
        _plan(area=np.zeros(MAX_ELEMENTS + 1))
    assert info.value.detail == f"{MAX_ELEMENTS + 1:,} elements"


@pytest.mark.parametrize(
    ("vertices", "error", "value"),
    [
        (
            quantity(np.zeros((_MAX_PAIRS + 1, 2)), "cm"),
            mesocalc.InvalidValueError,
            f"{2 * (_MAX_PAIRS + 1)} numbers",
        ),
        (
            [("0 cm", "0 cm")] * (_MAX_PAIRS + 1),
            mesocalc.InvalidValueError,
            f"{_MAX_PAIRS + 1} pairs",
        ),
        ([(True, "0 cm"), ("1 cm", "0 cm"), ("1 cm", "1 cm")], mesocalc.InputTypeError, True),
    ],
    ids=["quantity", "pairs", "bool"],
)
def test_polygon_vertices_at_their_limits(
    vertices: Any, error: type[mesocalc.MesocalcError], value: Any
) -> None:
    with pytest.raises(error) as info:
        mesocalc.Polygon(vertices)
    assert info.value.value == value


def test_complex_vertices_are_refused() -> None:
    with pytest.raises(mesocalc.InputTypeError, match="real numbers"):
        mesocalc.Polygon(quantity(np.array([[1j, 0], [1, 0], [1, 1]]), "cm"))


def test_a_dose_per_area_quantity_is_read_as_a_volume_over_an_area() -> None:
    dose = quantity(0.02, "milliliter / centimeter ** 2")
    plan = _plan(area="4 cm^2", dose_per_area=dose)
    assert plan.volume_per_point.to("mL").magnitude == pytest.approx(0.02)


def _validators() -> list[Any]:
    """Every validator of every attrs class mesocalc exports."""
    found = []
    for name in mesocalc.__all__:
        cls = getattr(mesocalc, name)
        if inspect.isclass(cls) and attrs.has(cls):
            found += [f.validator for f in attrs.fields(cls) if f.validator is not None]
    return found


def test_every_validator_has_a_repr() -> None:
    reprs = [repr(v) for v in _validators()]
    assert reprs
    assert all(r.startswith("<") for r in reprs)


def test_a_patients_medications_are_a_read_only_mapping() -> None:
    patient = mesocalc.Patient(recent_medications={"aspirin": 2})
    meds = patient.recent_medications
    assert meds is not None
    assert (len(meds), list(meds), repr(meds)) == (1, ["aspirin"], "{'aspirin': 2}")


def test_too_many_elements_name_the_parameter_and_the_input() -> None:
    area = np.zeros(MAX_ELEMENTS + 1)
    with pytest.raises(mesocalc.InvalidValueError) as info:
        _plan(area=area)
    assert info.value.parameter == "area"
    assert info.value.value is area


def test_the_bad_element_of_a_numeric_array_is_a_python_number() -> None:
    """A numpy scalar is shown as the number it is, as a scalar input would be."""
    with pytest.raises(mesocalc.DomainError) as info:
        _plan(area=["4 cm^2", "5 cm^2"], loss_fraction=np.array([0.1, 1.5]))
    assert (info.value.value, type(info.value.value), info.value.index) == (1.5, float, (1,))


@pytest.mark.parametrize(
    ("area", "value"),
    [
        (["1 cm^2", "-1 cm^2"], "-1 cm^2"),
        ([["1 cm^2"], ["-1 cm^2"]], "-1 cm^2"),
        (quantity(np.array([1.0, -1.0]), "cm^2"), quantity(-1.0, "cm^2")),
    ],
    ids=["list", "nested", "quantity"],
)
def test_the_bad_element_is_the_value_of_the_error(area: Any, value: Any) -> None:
    with pytest.raises(mesocalc.DomainError) as info:
        _plan(area=area)
    assert info.value.value == value
    assert type(info.value.value) is type(value)


def _nested(depth: int) -> Any:
    value: Any = "1 mm"
    for _ in range(depth):
        value = [value]
    return value


_LENGTH = "a length such as '7 mm'"
_MANY = f"{_LENGTH}, or an array of at most 10,000,000 of them"
_DEEP = f"{_LENGTH}, or an array of them nested at most 32 deep"
_RAGGED = f"{_LENGTH}, or a rectangular array of them"


@pytest.mark.parametrize(
    ("value", "error", "expected", "detail"),
    [
        (quantity(np.array([1j]), "millimeter"), mesocalc.InputTypeError, _LENGTH,
         "the magnitude must be an array of real numbers"),
        (quantity(1.0, "millimeter"), mesocalc.InputTypeError, _LENGTH,
         "the magnitude must be an array of real numbers"),
        (quantity(np.array([1.0]), "milliliter"), mesocalc.UnitError, _LENGTH,
         "ml is not a length unit"),
        (np.array([1.0, 2.0]), mesocalc.UnitError, _LENGTH,
         "an array of bare numbers has no unit; mesocalc never assumes mm"),
        (lambda: np.zeros(MAX_ELEMENTS + 1, dtype=object), mesocalc.InvalidValueError, _MANY,
         "10,000,001 elements"),
        (lambda: [None] * (MAX_ELEMENTS + 1), mesocalc.InvalidValueError, _MANY, "10,000,001 elements"),
        (lambda: quantity(np.zeros(MAX_ELEMENTS + 1), "millimeter"), mesocalc.InvalidValueError, _MANY,
         "10,000,001 elements"),
        (_nested(MAX_DIMS + 1), mesocalc.InputTypeError, _DEEP, "nested too deeply"),
        ([np.full((1,) * MAX_DIMS, "1 mm", dtype=object)], mesocalc.InputTypeError, _DEEP,
         "nested too deeply"),
        ([[["1 mm"]], ["2 mm"]], mesocalc.InputTypeError, _RAGGED, "ragged nesting"),
    ],
    ids=["complex", "scalar", "volume", "bare", "objects", "list", "quantity", "deep",
         "deep-array", "ragged"],
)  # fmt: skip
def test_an_array_input_is_refused_field_by_field(
    value: Any, error: type[mesocalc.MesocalcError], expected: str, detail: str
) -> None:
    value = value() if callable(value) else value  # the large ones are made in the test only
    with pytest.raises(error) as info:
        magnitudes(value, "p", Dim.LENGTH)
    assert type(info.value) is error
    assert (info.value.parameter, info.value.expected, info.value.detail) == (
        "p",
        expected,
        detail,
    )
    assert info.value.value is value
    assert info.value.index is None


@pytest.mark.parametrize(
    "make",
    [
        lambda: np.zeros(MAX_ELEMENTS, dtype=object),  # bare zeros: refused one by one
        lambda: [None] * MAX_ELEMENTS,
        lambda: np.zeros(MAX_ELEMENTS),
    ],
    ids=["objects", "list", "bare"],
)
def test_an_array_of_exactly_the_most_elements_is_read(make: Callable[[], Any]) -> None:
    """Only more than MAX_ELEMENTS is too many: these fail on their first element instead."""
    with pytest.raises((mesocalc.UnitError, mesocalc.InputTypeError)) as info:
        magnitudes(make(), "p", Dim.LENGTH)
    assert "elements" not in info.value.detail


def test_the_largest_arrays_are_read_in_float64_and_overflow_quietly() -> None:
    most = magnitudes(quantity(np.zeros(MAX_ELEMENTS), "millimeter"), "p", Dim.LENGTH)
    assert most.size == MAX_ELEMENTS
    assert magnitudes(np.zeros(3), "p", Dim.FRACTION).dtype == np.float64
    single = quantity(np.array([1.5], dtype=np.float32), "centimeter")
    assert magnitudes(single, "p", Dim.LENGTH).dtype == np.float64
    # 1e308 m is beyond any float in mm: inf, which the range check refuses, not a warning.
    assert magnitudes(quantity(np.array([1e308]), "meter"), "p", Dim.LENGTH).tolist() == [np.inf]


def test_nesting_of_exactly_the_most_dimensions_is_read() -> None:
    assert magnitudes(_nested(MAX_DIMS), "p", Dim.LENGTH).shape == (1,) * MAX_DIMS
    assert magnitudes([[], []], "p", Dim.LENGTH).shape == (2, 0)
    cm = [[quantity(1.0, "centimeter")], [quantity(2.0, "centimeter")]]
    assert magnitudes(cm, "p", Dim.LENGTH).tolist() == [[10.0], [20.0]]
    assert magnitudes(["1 mm", "2 cm"], "p", Dim.LENGTH).tolist() == [1.0, 20.0]
    with pytest.raises(mesocalc.ParseError) as info:  # read by the default reader
        magnitudes([["1 mm"], ["x"]], "p", Dim.LENGTH)
    assert (info.value.parameter, info.value.value, info.value.index) == ("p", "x", (1, 0))


_PAIRS = "a length Quantity array of shape (N, 2), or (x, y) pairs such as ('1 cm', '2 cm')"
_ONE = ("1 mm", "1 mm")


@pytest.mark.parametrize(
    ("make", "error", "shown", "expected", "detail"),
    [
        (lambda: quantity(np.zeros((_MAX_PAIRS + 1, 2)), "millimeter"),
         mesocalc.InvalidValueError, "200002 numbers", "at most 100000 pairs", ""),
        (lambda: [_ONE] * (_MAX_PAIRS + 1),
         mesocalc.InvalidValueError, "100001 pairs", "at most 100000 pairs", ""),
        (lambda: quantity(np.array([[1j, 1]]), "millimeter"), mesocalc.InputTypeError, None,
         _PAIRS, "the magnitudes must be real numbers"),
        (lambda: quantity(np.array([[1.0, 1]]), "milliliter"), mesocalc.UnitError, None, _PAIRS,
         "ml is not a length unit"),
        (lambda: [_ONE, ("1 mm",)], mesocalc.InvalidValueError, ("1 mm",), _PAIRS,
         "item 1 is not an (x, y) pair"),
        (lambda: np.zeros((2, 2)), mesocalc.UnitError, "an array of bare numbers", _PAIRS,
         "the numbers have no unit"),
        (lambda: 7, mesocalc.InputTypeError, None, _PAIRS, "got a int"),
        (lambda: quantity(np.zeros(3), "millimeter"), mesocalc.InvalidValueError, None, _PAIRS,
         "shape (3,)"),
        (lambda: quantity(np.array([[np.nan, 1.0]]), "millimeter"), mesocalc.InvalidValueError,
         None, _PAIRS, "NaN or infinite coordinates"),
    ],
    ids=["many-numbers", "many-pairs", "complex", "volume", "not-a-pair", "bare", "int",
         "shape", "nan"],
)  # fmt: skip
def test_coordinates_are_refused_field_by_field(
    make: Callable[[], Any],
    error: type[mesocalc.MesocalcError],
    shown: Any,
    expected: str,
    detail: str,
) -> None:
    """``shown`` is the error's value, or None when that is the input itself."""
    value = make()
    with pytest.raises(error) as info:
        length_pairs(value, "p")
    assert type(info.value) is error
    assert (info.value.parameter, info.value.expected, info.value.detail) == (
        "p",
        expected,
        detail,
    )
    if shown is None:
        assert info.value.value is value
    else:
        assert info.value.value == shown


def test_exactly_the_most_coordinates_are_read() -> None:
    most = length_pairs(quantity(np.zeros((_MAX_PAIRS, 2)), "millimeter"), "p")
    assert most.shape == (_MAX_PAIRS, 2)
    assert length_pairs([_ONE] * _MAX_PAIRS, "p").shape == (_MAX_PAIRS, 2)
    assert length_pairs([], "p").shape == (0, 2)
