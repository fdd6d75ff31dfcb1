"""Strengths in biological units per mL ("20 U/mL"): a dimension of their own (issue 18).

A toxin's "U" converts to nothing else; pint's ``U`` (the enzyme unit, µmol/min) is not it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pint
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mesocalc
from mesocalc._clinic.fhir import BIOLOGICAL_UNITS_TEXT
from mesocalc._quantities.magnitudes import magnitude_in
from mesocalc._quantities.units import (
    BIOLOGICAL_UNIT,
    Dim,
    define_biological_unit,
    parse_string,
    quantity,
)

from . import strategies as mst

UREG = pint.get_application_registry()  # type: ignore[no-untyped-call]
TOXIN = "botulinum toxin A"
_STRENGTHS = (Dim.CONCENTRATION, Dim.BIOLOGICAL_CONCENTRATION)


def _face(points: int = 100, total: str = "1 mL") -> mesocalc.Plan:
    return mesocalc.plan(
        technique="classic", zone="face", area="100 cm^2", points=points, total_volume=total
    )


def _per_ml(strength: str) -> float:
    return magnitude_in(strength, "concentration", _STRENGTHS)[0]


# --- reading a strength ------------------------------------------------------------------------


def test_a_product_may_be_in_units_per_ml() -> None:
    p = mesocalc.Product(name=TOXIN, concentration="20 U/mL")
    assert p.concentration is not None
    assert p.concentration.magnitude == 20.0
    assert str(p.concentration.units) == f"{BIOLOGICAL_UNIT} / milliliter"
    assert p.concentration_mg_ml is None  # not a mass per volume
    assert p.active == (20.0, BIOLOGICAL_UNIT, "U")
    assert repr(p).startswith("Product(name='botulinum toxin A', concentration='20 U/mL'")


def test_a_mass_concentration_is_as_it_was() -> None:
    p = mesocalc.Product(name="x", concentration="10 mg/mL")
    assert p.concentration_mg_ml == 10.0
    assert p.active == (10.0, "milligram", "mg")
    assert str(p.concentration) == "10.0 milligram / milliliter"
    assert mesocalc.Product(name="x").active is None


@given(mst.strengths(biological=True))
def test_every_spelling_of_units_per_volume_reads_per_ml(strength: str) -> None:
    """Unit invariance: "0.02 U/uL", "20 U/mL" and "20000 U/L" are one strength."""
    p = mesocalc.Product(name=TOXIN, concentration=strength)
    assert p.active is not None
    assert p.active[0] == pytest.approx(_per_ml(strength), rel=1e-12)
    assert p.active[1:] == (BIOLOGICAL_UNIT, "U")


@given(mst.strengths())
def test_a_strength_given_as_a_quantity_reads_as_the_string_does(strength: str) -> None:
    p = mesocalc.Product(name="x", concentration=strength)
    assert mesocalc.Product(name="x", concentration=p.concentration) == p


def test_a_user_quantity_in_biological_units_is_read() -> None:
    define_biological_unit(UREG.get())
    q = UREG.Quantity(0.02, f"{BIOLOGICAL_UNIT} / microliter")
    p = mesocalc.Product(name=TOXIN, concentration=q)
    assert p.active is not None
    assert p.active[0] == pytest.approx(20.0)


def test_pint_enzyme_units_are_refused_as_a_strength() -> None:
    with pytest.raises(mesocalc.UnitError, match="enzyme unit") as info:
        mesocalc.Product(name=TOXIN, concentration=UREG.Quantity(20, "U/mL"))
    assert info.value.parameter == "concentration"
    assert "'20 U/mL'" in info.value.expected


@pytest.mark.parametrize(
    ("value", "error", "detail"),
    [
        (20, mesocalc.UnitError, "no unit"),
        (20.0, mesocalc.UnitError, "no unit"),
        ("20", mesocalc.UnitError, "no unit"),
        ("20 U", mesocalc.UnitError, "amount in biological units"),
        ("20 IU/mL", mesocalc.UnitError, "unknown unit"),
        ("20 u/mL", mesocalc.UnitError, "unknown unit"),
        ("20 U/cm^2", mesocalc.UnitError, "unknown unit"),
        ("twenty U/mL", mesocalc.ParseError, "not one number"),
        ("20 U/mL 5", mesocalc.ParseError, "not one number"),
        ("1,500 U/mL", mesocalc.ParseError, "ambiguous comma"),
        ("-20 U/mL", mesocalc.DomainError, ""),
        ("0 U/mL", mesocalc.DomainError, ""),
        ("1e-12 U/mL", mesocalc.DomainError, "too small"),
        ("1e12 U/mL", mesocalc.DomainError, "too large"),
        ("nan U/mL", mesocalc.ParseError, ""),
        (True, mesocalc.InputTypeError, "bool"),
        (["20 U/mL"], mesocalc.InputTypeError, "list"),
        ("2" * 80 + " U/mL", mesocalc.ParseError, "longer than"),
    ],
)
def test_hostile_strengths_are_mesocalc_errors_naming_the_parameter(
    value: Any, error: type[mesocalc.MesocalcError], detail: str
) -> None:
    with pytest.raises(error) as info:
        mesocalc.Product(name=TOXIN, concentration=value)
    assert info.value.parameter == "concentration"
    assert detail in str(info.value)


@pytest.mark.parametrize(
    "value",
    [
        UREG.Quantity(2, "mm"),
        UREG.Quantity(20, "mg"),
        UREG.Quantity([20.0], "mg/mL"),
        UREG.Quantity(float("inf"), "mg/mL"),
        UREG.Quantity(20, "katal / liter"),
    ],
)
def test_hostile_quantities_are_refused_as_a_strength(value: Any) -> None:
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Product(name=TOXIN, concentration=value)
    assert info.value.parameter == "concentration"


def test_the_parser_reads_u_as_a_biological_unit_only() -> None:
    assert parse_string("100 U", "amount", Dim.BIOLOGICAL) == 100.0
    assert parse_string("0.02 U/uL", "c", Dim.BIOLOGICAL_CONCENTRATION) == pytest.approx(20.0)
    with pytest.raises(mesocalc.UnitError, match="concentration in biological units"):
        parse_string("20 U/mL", "c", Dim.CONCENTRATION)
    with pytest.raises(mesocalc.UnitError, match="U over a volume"):
        parse_string("20 U/cm", "c", Dim.BIOLOGICAL_CONCENTRATION)


# --- pint's registry ---------------------------------------------------------------------------


def test_import_and_string_strengths_touch_no_registry() -> None:
    """Nothing is defined at import, nor for string inputs; the unit comes on first need."""
    code = (
        "import sys, mesocalc\n"
        "p = mesocalc.Product(name='t', concentration='20 U/mL')\n"
        "assert 'pint' not in sys.modules\n"
        "s = mesocalc.Session(plans=[mesocalc.plan(technique='classic', zone='face',"
        " area='40 cm^2')], product=p)\n"
        "s.table()\n"
        "import pint\n"
        "reg = pint.get_application_registry().get()\n"
        "assert 'biological_unit' not in reg\n"
        "print(p.concentration, s.active_dose)\n"
        "assert 'biological_unit' in reg\n"
        "print(reg.Quantity(1, 'U').dimensionality)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [
        "20.0 biological_unit / milliliter 8.0 biological_unit",
        "[substance] / [time]",  # pint's U is still the enzyme unit
    ]


def test_biological_units_convert_to_nothing_else() -> None:
    dose = quantity(20.0, BIOLOGICAL_UNIT)
    assert dose.dimensionality == {"[biological_activity]": 1}
    for other in ("mg", "U", "mol", "dimensionless"):
        with pytest.raises(pint.DimensionalityError):
            dose.to(other)


def test_defining_the_unit_is_idempotent_and_per_registry() -> None:
    reg: pint.UnitRegistry[Any] = pint.UnitRegistry()
    define_biological_unit(reg)
    define_biological_unit(reg)
    assert reg.Quantity(3, BIOLOGICAL_UNIT).to(BIOLOGICAL_UNIT).magnitude == 3
    mine: pint.UnitRegistry[Any] = pint.UnitRegistry()
    mine.define(f"{BIOLOGICAL_UNIT} = [biological_activity]")  # the user's own, the same
    define_biological_unit(mine)
    assert mine.Quantity(1, BIOLOGICAL_UNIT).dimensionality == {"[biological_activity]": 1}


def test_a_registry_that_means_something_else_by_the_name_is_an_error() -> None:
    reg: pint.UnitRegistry[Any] = pint.UnitRegistry()
    reg.define(f"{BIOLOGICAL_UNIT} = 1 * gram")
    with pytest.raises(mesocalc.UnitError, match="already defines it") as info:
        define_biological_unit(reg)
    assert info.value.parameter == "registry"


def test_a_registry_that_refuses_the_definition_is_an_error() -> None:
    class Refusing:
        def __contains__(self, name: object) -> bool:
            return False

        def define(self, text: str) -> None:
            raise pint.DefinitionSyntaxError("no")

    with pytest.raises(mesocalc.UnitError, match="pint refused it"):
        define_biological_unit(Refusing())


# --- sessions and courses ----------------------------------------------------------------------


def test_a_session_gives_its_active_dose_in_units() -> None:
    product = mesocalc.Product(name=TOXIN, concentration="20 U/mL")
    s = mesocalc.Session(plans=[_face()], product=product)
    assert s.active_dose is not None
    assert s.active_dose_per_area is not None
    assert s.active_dose_per_point is not None
    assert s.active_dose.to(BIOLOGICAL_UNIT).magnitude == pytest.approx(20.0)
    assert s.active_dose_per_area.to(f"{BIOLOGICAL_UNIT} / cm**2").magnitude == pytest.approx(0.2)
    (per_point,) = s.active_dose_per_point
    assert per_point.to(BIOLOGICAL_UNIT).magnitude == pytest.approx(0.2)
    assert ("active_dose", "20 U") in s.rows()


def test_a_session_without_a_strength_has_no_active_dose() -> None:
    for product in (None, mesocalc.Product(name="x")):
        s = mesocalc.Session(plans=[_face()], product=product)
        assert s.active_dose is None
        assert s.active_dose_per_area is None
        assert s.active_dose_per_point is None
        assert "active_dose" not in dict(s.rows())


@given(mst.sessions(), mst.strengths())
def test_the_active_dose_is_the_volume_times_the_strength(
    session: mesocalc.Session, strength: str
) -> None:
    product = mesocalc.Product(name="x", concentration=strength)
    s = mesocalc.Session(plans=list(session.plans), product=product, override=session.override)
    assert product.active is not None
    per_ml, unit, _ = product.active
    assert s.active_dose is not None
    assert s.active_dose_per_point is not None
    assert s.active_dose.to(unit).magnitude == pytest.approx(
        s.total_volume.to("mL").magnitude * per_ml, rel=1e-9
    )
    points = sum(
        p.points * d.to(unit).magnitude
        for p, d in zip(s.plans, s.active_dose_per_point, strict=True)
    )
    assert points == pytest.approx(s.active_dose.to(unit).magnitude, rel=1e-9)


def test_a_course_totals_units_and_never_adds_units_to_mg() -> None:
    toxin = mesocalc.Product(name=TOXIN, concentration="20 U/mL")
    course = mesocalc.Course.lay_out(
        [_face()], first="2026-01-05", count=2, every=14, product=toxin
    )
    ((volume, dose),) = course.cumulative().values()
    assert volume.to("mL").magnitude == pytest.approx(2.0)
    assert dose is not None
    assert dose.to(BIOLOGICAL_UNIT).magnitude == pytest.approx(40.0)
    assert "2 mL, 40 U" in course.table()
    mg = mesocalc.Product(name="x", concentration="10 mg/mL")
    first, second = course.sessions
    mixed = mesocalc.Course(sessions=[first, attrs_evolve(second, product=mg)])
    ((_, unknown),) = mixed.cumulative().values()
    assert unknown is None


def attrs_evolve(session: mesocalc.Session, **changes: Any) -> mesocalc.Session:
    import attrs  # noqa: PLC0415 - only this helper needs it

    return attrs.evolve(session, **changes)


# --- JSON and FHIR -----------------------------------------------------------------------------


@given(mst.strengths(), st.sampled_from([None, "B123", "lot 7"]))
def test_a_product_round_trips_through_json(strength: str, lot: str | None) -> None:
    p = mesocalc.Product(name=TOXIN, concentration=strength, lot=lot)
    data = json.loads(json.dumps(p.to_dict()))
    assert mesocalc.Product.from_dict(data) == p


def test_units_per_ml_are_stored_as_ucum_arbitrary_units() -> None:
    data = mesocalc.Product(name=TOXIN, concentration="20 U/mL").to_dict()
    assert data["concentration"] == {"value": 20.0, "unit": "[arb'U]/mL"}


@pytest.mark.parametrize(
    "stored",
    [
        {"value": 20.0, "unit": "U/mL"},  # UCUM's U is the enzyme unit: never written, refused
        {"value": 20.0, "unit": "[arb'U]"},
        {"value": 20.0, "unit": ["mg/mL"]},
        {"value": "20", "unit": "[arb'U]/mL"},
        {"value": 20.0, "unit": "[arb'U]/mL", "extra": 1},
        {"value": -1.0, "unit": "[arb'U]/mL"},
        {"value": 1e300, "unit": "[arb'U]/mL"},
        "20 U/mL",
        [20.0],
    ],
)
def test_a_stored_strength_is_checked(stored: Any) -> None:
    data = {"schema": "mesocalc.product", "schema_version": 2, "name": "t"}
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Product.from_dict({**data, "concentration": stored})
    assert info.value.parameter.startswith("concentration")


def test_a_session_in_units_matches_the_session_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    product = mesocalc.Product(name=TOXIN, concentration="20 U/mL")
    data = mesocalc.Session(plans=[_face()], product=product, date="2026-01-05").to_dict()
    jsonschema.validate(json.loads(json.dumps(data)), mesocalc.json_schema("session"))
    data["product"]["concentration"]["unit"] = "U/mL"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, mesocalc.json_schema("session"))


def test_fhir_writes_units_per_ml_as_text_never_as_ucum_u() -> None:
    product = mesocalc.Product(name=TOXIN, concentration="20 U/mL")
    s = mesocalc.Session(plans=[_face()], product=product, date="2026-01-05")
    bundle = s.to_fhir(patient="Patient/1")
    (medication,) = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Medication"
    ]
    (ingredient,) = medication["ingredient"]
    numerator = ingredient["strengthRatio"]["numerator"]
    assert numerator == {"value": 20.0, "unit": BIOLOGICAL_UNITS_TEXT}
    assert '"U"' not in json.dumps(bundle)
    from fhir.resources.bundle import Bundle  # noqa: PLC0415 - a test dependency only

    Bundle.model_validate(bundle)
