"""Reconstituting a vial and diluting a solution (issue 18): concentrations only."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mesocalc
from mesocalc._quantities.magnitudes import magnitude_in
from mesocalc._quantities.units import BIOLOGICAL_UNIT, Dim

from . import strategies as mst

TOXIN = "botulinum toxin A"


def _ml(diluent: Any) -> float:
    items = diluent if isinstance(diluent, list) else [diluent]
    return sum(magnitude_in(v, "v", (Dim.VOLUME,))[0] for v in items)


def _active(product: mesocalc.Product) -> tuple[float, str, str]:
    assert product.active is not None
    return product.active


def test_100_units_with_5_ml_of_saline_is_20_units_per_ml() -> None:
    toxin = mesocalc.Product.reconstituted(name=TOXIN, amount="100 U", diluent="5 mL")
    assert _active(toxin) == (20.0, BIOLOGICAL_UNIT, "U")
    assert toxin.name == TOXIN
    assert toxin.label is None


def test_a_powder_in_mg_with_several_diluents() -> None:
    p = mesocalc.Product.reconstituted(
        name="x", amount="20 mg", diluent=["4 mL", "1 mL"], lot="L1", expires="2030-01-01"
    )
    assert _active(p) == (4.0, "milligram", "mg")
    assert p.concentration_mg_ml == 4.0
    assert (p.lot, str(p.expires)) == ("L1", "2030-01-01")


@given(mst.amounts(), mst.diluents())
def test_reconstitution_conserves_the_amount_of_active(amount: str, diluent: Any) -> None:
    p = mesocalc.Product.reconstituted(name="x", amount=amount, diluent=diluent)
    m, dim = magnitude_in(amount, "amount", (Dim.MASS, Dim.BIOLOGICAL))
    per_ml, unit, _ = _active(p)
    assert per_ml * _ml(diluent) == pytest.approx(m, rel=1e-12)
    assert unit == ("milligram" if dim is Dim.MASS else BIOLOGICAL_UNIT)


@given(mst.strengths(), st.floats(0.01, 10.0), mst.diluents())
def test_dilution_conserves_the_amount_of_active(
    strength: str, taken: float, diluent: Any
) -> None:
    p = mesocalc.Product(name="x", concentration=strength)
    d = p.diluted(volume=f"{taken!r} mL", diluent=diluent)
    before, unit, symbol = _active(p)
    after, unit_after, symbol_after = _active(d)
    assert after * (taken + _ml(diluent)) == pytest.approx(before * taken, rel=1e-12)
    assert (unit_after, symbol_after) == (unit, symbol)
    assert after < before


@given(mst.strengths(), st.floats(0.1, 5.0), st.floats(0.1, 5.0), st.floats(0.1, 5.0))
def test_two_dilutions_are_one_with_both_diluents(
    strength: str, taken: float, first: float, second: float
) -> None:
    p = mesocalc.Product(name="x", concentration=strength)
    twice = p.diluted(volume=f"{taken!r} mL", diluent=f"{first!r} mL").diluted(
        volume=f"{taken + first!r} mL", diluent=f"{second!r} mL"
    )
    once = p.diluted(volume=f"{taken!r} mL", diluent=[f"{first!r} mL", f"{second!r} mL"])
    assert _active(twice)[0] == pytest.approx(_active(once)[0], rel=1e-9)


def test_a_mixture_is_one_dilution_per_active() -> None:
    a = mesocalc.Product(name="a", concentration="20 U/mL")
    b = mesocalc.Product(name="b", concentration="10 mg/mL")
    in_a = a.diluted(volume="1 mL", diluent="1 mL", name="a and b")
    in_b = b.diluted(volume="1 mL", diluent="1 mL", name="a and b")
    assert (_active(in_a)[0], _active(in_b)[0]) == (10.0, 5.0)
    assert in_a.name == in_b.name == "a and b"


def test_a_diluted_product_keeps_its_lot_expiry_and_label() -> None:
    label = mesocalc.product("deoxycholic acid", lot="B1", expires="2027-03-31")
    d = label.diluted(volume="1 mL", diluent="1 mL")
    assert (d.name, d.lot, d.expires, d.label) == (label.name, "B1", label.expires, label.label)
    assert d.concentration_mg_ml == 5.0


def test_a_session_follows_the_dilution_per_point_and_per_area() -> None:
    toxin = mesocalc.Product.reconstituted(name=TOXIN, amount="100 U", diluent="5 mL")
    p = mesocalc.plan(
        technique="classic", zone="face", area="100 cm^2", points=100, total_volume="1 mL"
    )
    s = mesocalc.Session(plans=[p], product=toxin)
    assert s.active_dose_per_point is not None
    assert s.active_dose_per_area is not None
    (per_point,) = s.active_dose_per_point
    assert per_point.to(BIOLOGICAL_UNIT).magnitude == pytest.approx(0.2)
    assert s.active_dose_per_area.to(f"{BIOLOGICAL_UNIT}/cm**2").magnitude == pytest.approx(0.2)
    half = mesocalc.Session(
        plans=[p], product=toxin.diluted(volume="1 mL", diluent="1 mL", name="half")
    )
    assert half.active_dose is not None
    assert half.active_dose.to(BIOLOGICAL_UNIT).magnitude == pytest.approx(10.0)


# --- hostile input -----------------------------------------------------------------------------

_BAD_VOLUMES: list[tuple[Any, type[mesocalc.MesocalcError], str]] = [
    ("0 mL", mesocalc.DomainError, ""),
    ("-5 mL", mesocalc.DomainError, ""),
    (5, mesocalc.UnitError, "no unit"),
    (5.0, mesocalc.UnitError, "no unit"),
    ("5", mesocalc.UnitError, "no unit"),
    ("5 mg", mesocalc.UnitError, "mass"),
    ("5 U", mesocalc.UnitError, "biological units"),
    ("5 mm", mesocalc.UnitError, "length"),
    ("five mL", mesocalc.ParseError, "not one number"),
    ("5 ML", mesocalc.UnitError, "unknown unit"),
    ("1e-12 mL", mesocalc.DomainError, "too small"),
    ("1e9 mL", mesocalc.DomainError, "too large"),
    (None, mesocalc.InputTypeError, "NoneType"),
    (True, mesocalc.InputTypeError, "bool"),
    (object(), mesocalc.InputTypeError, "object"),
    ({"value": 5, "unit": "mL"}, mesocalc.InputTypeError, "dict"),
]


@pytest.mark.parametrize(("value", "error", "detail"), _BAD_VOLUMES)
def test_a_bad_diluent_is_an_error_naming_it(
    value: Any, error: type[mesocalc.MesocalcError], detail: str
) -> None:
    with pytest.raises(error) as info:
        mesocalc.Product.reconstituted(name="t", amount="100 U", diluent=value)
    assert info.value.parameter == "diluent"
    assert detail in str(info.value)
    with pytest.raises(error) as info:
        mesocalc.Product(name="t", concentration="20 U/mL").diluted(volume="1 mL", diluent=value)
    assert info.value.parameter == "diluent"


@pytest.mark.parametrize(("value", "error", "detail"), _BAD_VOLUMES)
def test_a_bad_volume_taken_is_an_error_naming_it(
    value: Any, error: type[mesocalc.MesocalcError], detail: str
) -> None:
    with pytest.raises(error) as info:
        mesocalc.Product(name="t", concentration="20 U/mL").diluted(volume=value, diluent="1 mL")
    assert info.value.parameter == "volume"
    assert detail in str(info.value)


@pytest.mark.parametrize(
    ("value", "parameter"),
    [
        ([], "diluent"),
        (["1 mL"] * 101, "diluent"),
        (["1 mL", "0 mL"], "diluent[1]"),
        (["1 mL", 2], "diluent[1]"),
        (("1 mL", "2 mg"), "diluent[1]"),
        ([["1 mL"]], "diluent[0]"),
    ],
)
def test_a_bad_list_of_diluents_names_the_one_at_fault(value: Any, parameter: str) -> None:
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Product.reconstituted(name="t", amount="100 U", diluent=value)
    assert info.value.parameter == parameter


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (100, mesocalc.UnitError),
        ("100", mesocalc.UnitError),
        ("100 mL", mesocalc.UnitError),
        ("100 U/mL", mesocalc.UnitError),
        ("100 IU", mesocalc.UnitError),
        ("0 U", mesocalc.DomainError),
        ("-100 U", mesocalc.DomainError),
        ("1e12 U", mesocalc.DomainError),
        ("1e8 mg", mesocalc.DomainError),
        ("hundred U", mesocalc.ParseError),
        (None, mesocalc.InputTypeError),
        ([], mesocalc.InputTypeError),
    ],
)
def test_a_bad_amount_is_an_error_naming_it(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        mesocalc.Product.reconstituted(name="t", amount=value, diluent="5 mL")
    assert isinstance(info.value, mesocalc.MesocalcError)
    assert info.value.parameter == "amount"
    assert "'20 mg'" in info.value.expected or "'100 U'" in info.value.expected


def test_an_amount_in_pint_enzyme_units_is_refused() -> None:
    import pint  # noqa: PLC0415 - this test only

    ureg = pint.get_application_registry()  # type: ignore[no-untyped-call]
    with pytest.raises(mesocalc.UnitError, match="enzyme unit") as info:
        mesocalc.Product.reconstituted(name="t", amount=ureg.Quantity(100, "U"), diluent="5 mL")
    assert info.value.parameter == "amount"


def test_a_result_beyond_any_concentration_is_an_error() -> None:
    with pytest.raises(mesocalc.DomainError) as info:
        mesocalc.Product.reconstituted(name="t", amount="1e9 U", diluent="1e-6 mL")
    assert info.value.parameter == "concentration"
    assert info.value.value == "1e+15 U/mL"


def test_a_blank_name_is_an_error() -> None:
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Product.reconstituted(name=" ", amount="100 U", diluent="5 mL")
    assert info.value.parameter == "name"
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Product(name="t", concentration="1 mg/mL").diluted(
            volume="1 mL", diluent="1 mL", name=""
        )
    assert info.value.parameter == "name"


def test_a_product_without_a_strength_cannot_be_diluted() -> None:
    with pytest.raises(mesocalc.InvalidValueError, match="no concentration") as info:
        mesocalc.Product(name="saline").diluted(volume="1 mL", diluent="1 mL")
    assert info.value.parameter == "concentration"
