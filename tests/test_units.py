"""Reading inputs: strings parsed by hand, Quantities of any registry, bare numbers refused."""

from __future__ import annotations

import itertools
import math
import pickle
import re
import subprocess
import sys
import textwrap
from typing import Any

import pint
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mesocalc
from mesocalc._quantities import units as _units
from mesocalc._quantities.units import (
    UNITS,
    Dim,
    _unit_table,
    define_biological_unit,
    magnitude,
    parse_string,
    quantity,
    unit_factor,
)

from . import strategies as mst

UREG = pint.get_application_registry()  # type: ignore[no-untyped-call]


@pytest.mark.parametrize(
    ("text", "dim", "expected"),
    [
        ("40 cm^2", Dim.AREA, 4000.0),
        ("40cm²", Dim.AREA, 4000.0),
        ("0.27 cm2", Dim.AREA, 27.0),
        ("0.02 mL", Dim.VOLUME, 0.02),
        ("0,02 mL", Dim.VOLUME, 0.02),
        ("1,5 mL", Dim.VOLUME, 1.5),
        ("20 µL", Dim.VOLUME, 0.02),
        ("20 uL", Dim.VOLUME, 0.02),
        ("0.1 cc", Dim.VOLUME, 0.1),
        ("0123 mL", Dim.VOLUME, 123.0),
        ("7 mm", Dim.LENGTH, 7.0),
        (" 0.7 cm ", Dim.LENGTH, 7.0),
        ("500 µm", Dim.LENGTH, 0.5),
        ("1e-3 m", Dim.LENGTH, 1.0),
        ("45 deg", Dim.ANGLE, 45.0),
        ("45°", Dim.ANGLE, 45.0),
        ("50 %", Dim.FRACTION, 0.5),
    ],
)
def test_strings_are_read_exactly(text: str, dim: Dim, expected: float) -> None:
    assert magnitude(text, "x", dim) == pytest.approx(expected, rel=1e-12)


def test_radians_are_angles() -> None:
    assert magnitude(f"{math.pi / 4!r} rad", "angle", Dim.ANGLE) == pytest.approx(45.0)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("1.5 ML", mesocalc.UnitError),  # megalitres in pint; not a unit here
        ("30 G", mesocalc.UnitError),  # gauss in pint
        ("nan mL", mesocalc.ParseError),
        ("inf mL", mesocalc.ParseError),
        ("1,500 mL", mesocalc.ParseError),  # a thousands separator or a decimal comma?
        ("1e999 mL", mesocalc.InvalidValueError),
        ("", mesocalc.ParseError),
        ("mL", mesocalc.ParseError),
        ("2 mL 3 mL", mesocalc.ParseError),
        ("2", mesocalc.UnitError),
        ("2 mm", mesocalc.UnitError),
        ("2**99999999 mL", mesocalc.ParseError),
        ("(" * 100 + "1 mL" + ")" * 100, mesocalc.ParseError),
        ("1 mL" * 50_000, mesocalc.ParseError),
    ],
)
def test_bad_strings_are_refused(text: str, error: type[mesocalc.MesocalcError]) -> None:
    with pytest.raises(error) as info:
        magnitude(text, "volume_per_point", Dim.VOLUME)
    assert info.value.parameter == "volume_per_point"
    assert "volume_per_point" in str(info.value)
    assert len(str(info.value)) < 400


# The spellings a string may use, written out: the table must hold these and no others.
_LENGTH_NAMES = ("um", "µm", "μm", "mm", "cm", "m")
_VOLUME_NAMES = ("uL", "ul", "µL", "µl", "μL", "μl", "mL", "ml", "cc", "L", "l")
_AREA_NAMES = [n + s for n, s in itertools.product(_LENGTH_NAMES, ("^2", "**2", "2", "²"))]
_SPELLINGS = {
    Dim.LENGTH: set(_LENGTH_NAMES),
    Dim.AREA: set(_AREA_NAMES),
    Dim.VOLUME: {
        *_VOLUME_NAMES,
        *(n + s for n, s in itertools.product(("mm", "cm"), ("^3", "**3", "3", "³"))),
    },
    Dim.ANGLE: {"deg", "°", "degree", "degrees", "rad"},
    Dim.FRACTION: {"%"},
    Dim.DOSE: {
        f"{v}/{a}" for v in _VOLUME_NAMES for a in _AREA_NAMES if a.startswith(("mm", "cm"))
    },
    Dim.CONCENTRATION: {f"{m}/{v}" for m in ("mg", "g", "ug", "µg", "μg") for v in _VOLUME_NAMES},
    Dim.BIOLOGICAL_CONCENTRATION: {f"U/{v}" for v in _VOLUME_NAMES},
    Dim.MASS: {"mg", "g", "ug", "µg", "μg"},
    Dim.BIOLOGICAL: {"U"},
}


def _pint_spelling(unit: str) -> str:
    """The same unit as pint spells it: "µL/cm²" is "uL/cm**2"."""
    text = unit.replace("µ", "u").replace("μ", "u").replace("^", "**")
    text = text.replace("²", "**2").replace("³", "**3")
    text = re.sub(r"(?<=[a-zA-Z])([23])\b", r"**\1", text)
    # "U" is a biological unit here, never pint's U (the enzyme unit, umol/min).
    text = re.sub(r"^U\b", "biological_unit", text)
    return {"%": "percent", "°": "degree"}.get(text, text)


def test_the_unit_table_holds_every_spelling_and_no_other() -> None:
    """Built afresh (``UNITS`` is built at import), so mutation testing reaches the builder."""
    table = _unit_table()
    assert {dim: {k for k, (d, _) in table.items() if d is dim} for dim in Dim} == _SPELLINGS


def test_every_spelling_has_the_factor_pint_gives_it() -> None:
    define_biological_unit(UREG.get())  # mesocalc defines it on first need
    for unit, (dim, factor) in _unit_table().items():
        expected = UREG.Quantity(1.0, _pint_spelling(unit)).to(dim.canonical).magnitude
        assert factor == pytest.approx(expected, rel=1e-12), unit


@pytest.mark.parametrize(
    ("unit", "error", "detail"),
    [
        (None, mesocalc.UnitError, "numbers without a unit are never assumed to be in one"),
        (7, mesocalc.InputTypeError, "got a int; name the unit as a string"),
        ("furlong", mesocalc.UnitError, "unknown unit"),
        (" mL ", mesocalc.UnitError, "'mL' is a volume"),
    ],
)
def test_a_unit_for_bare_coordinates_is_a_known_length(
    unit: Any, error: type[mesocalc.MesocalcError], detail: str
) -> None:
    with pytest.raises(error) as info:
        unit_factor(unit, "unit", Dim.LENGTH)
    assert type(info.value) is error
    assert (info.value.parameter, info.value.value, info.value.detail) == ("unit", unit, detail)
    assert info.value.expected == "a length unit: 'um', 'µm', 'μm', 'mm', 'cm', 'm'"
    assert unit_factor(" cm ", "unit", Dim.LENGTH) == 10.0


def test_results_of_the_application_registry_are_made_by_filling_two_slots() -> None:
    """The fast way of making result Quantities (``_units._maker``) holds for pint's own."""
    volume = mesocalc.plan(technique="classic", zone="face", area="4 cm^2").total_volume
    assert volume == UREG.Quantity(0.04, "mL")
    assert _units._makers["milliliter"][3] is True


def test_an_int_beyond_any_float_is_refused_as_given() -> None:
    huge = 10**400
    with pytest.raises(mesocalc.InvalidValueError) as info:
        magnitude(huge, "loss_fraction", Dim.FRACTION)
    assert (info.value.parameter, info.value.value, info.value.expected, info.value.detail) == (
        "loss_fraction",
        huge,
        "a fraction such as 0.5 or '50 %'",
        "too large: beyond any floating-point number",
    )


@pytest.mark.parametrize(
    ("value", "error", "detail"),
    [
        (UREG.Quantity(math.nan, "mm"), mesocalc.InvalidValueError, "not a finite number"),
        (
            quantity(True, "millimeter"),
            mesocalc.InputTypeError,
            "the magnitude must be one real number",
        ),
        (
            quantity("x", "millimeter"),
            mesocalc.InputTypeError,
            "the magnitude must be one real number",
        ),
    ],
    ids=["nan", "bool", "text"],
)
def test_a_quantity_of_no_real_number_is_refused_as_given(
    value: Any, error: type[mesocalc.MesocalcError], detail: str
) -> None:
    with pytest.raises(error) as info:
        magnitude(value, "depth", Dim.LENGTH)
    assert type(info.value) is error
    assert (info.value.parameter, info.value.expected, info.value.detail) == (
        "depth",
        "a length such as '7 mm'",
        detail,
    )
    assert info.value.value is value


_HUGE = 10**400


@pytest.mark.parametrize(
    ("value", "dim", "error", "detail"),
    [
        (True, Dim.LENGTH, mesocalc.InputTypeError, "a bool is not a measurement"),
        (40, Dim.LENGTH, mesocalc.UnitError,
         "a bare number has no unit; mesocalc never assumes mm"),
        (UREG.Quantity(2.0, "mL"), Dim.LENGTH, mesocalc.UnitError, "ml is not a length unit"),
        ("1e999 mm", Dim.LENGTH, mesocalc.InvalidValueError, "not a finite number"),
        (math.inf, Dim.FRACTION, mesocalc.InvalidValueError, "not a finite number"),
        (_HUGE, Dim.FRACTION, mesocalc.InvalidValueError,
         "too large: beyond any floating-point number"),
        (UREG.Quantity(math.inf, "mm"), Dim.LENGTH, mesocalc.InvalidValueError,
         "not a finite number"),
        (UREG.Quantity(_HUGE, "mm"), Dim.LENGTH, mesocalc.InvalidValueError,
         "too large: beyond any floating-point number"),
        (b"7 mm", Dim.LENGTH, mesocalc.InputTypeError, "got a bytes"),
    ],
    ids=["bool", "bare", "volume", "text-inf", "fraction-inf", "fraction-huge", "inf",
         "huge", "bytes"],
)  # fmt: skip
def test_one_input_is_refused_field_by_field(
    value: Any, dim: Dim, error: type[mesocalc.MesocalcError], detail: str
) -> None:
    with pytest.raises(error) as info:
        magnitude(value, "p", dim)
    assert type(info.value) is error
    assert (info.value.parameter, info.value.expected, info.value.detail) == (
        "p",
        dim.expected,
        detail,
    )
    assert info.value.value is value


def test_a_dose_quantity_names_a_volume_over_an_area() -> None:
    """A length is dimensionally a volume over an area: only a named volume is a dose."""
    dose = Dim.DOSE
    assert magnitude(UREG.Quantity(0.2, "mL/cm**2"), "d", dose) == pytest.approx(0.2)
    assert magnitude(UREG.Quantity(2.0, "uL/mm**2"), "d", dose) == pytest.approx(0.2)
    assert magnitude(UREG.Quantity(0.2, "cc/cm**2"), "d", dose) == pytest.approx(0.2)  # cubic
    for value, unit in ((UREG.Quantity(2.0, "mm"), "mm"), (UREG.Quantity(2.0, "mL"), "ml")):
        with pytest.raises(mesocalc.UnitError) as info:
            magnitude(value, "d", dose)
        assert info.value.detail == f"{unit} is not a dose per area unit"


def test_the_unit_list_is_case_sensitive() -> None:
    assert "mL" in UNITS
    assert "ML" not in UNITS
    assert "MM" not in UNITS


def test_quantities_of_the_application_registry() -> None:
    assert magnitude(UREG.Quantity(4, "cm**2"), "area", Dim.AREA) == pytest.approx(400.0)
    assert magnitude(0.5 * UREG.cm, "depth", Dim.LENGTH) == pytest.approx(5.0)
    assert magnitude(UREG.Quantity(20, "microliter"), "v", Dim.VOLUME) == pytest.approx(0.02)
    assert magnitude(UREG.Quantity(45, "degree"), "angle", Dim.ANGLE) == pytest.approx(45.0)
    assert magnitude(UREG.Quantity(50, "percent"), "loss", Dim.FRACTION) == pytest.approx(0.5)


def test_quantities_of_another_registry_are_read_by_their_units() -> None:
    other: pint.UnitRegistry[Any] = pint.UnitRegistry()
    assert magnitude(other.Quantity(7, "mm"), "depth", Dim.LENGTH) == pytest.approx(7.0)


@pytest.mark.parametrize(
    ("value", "dim"),
    [
        (UREG.Quantity(2, "mL"), Dim.LENGTH),  # a volume as a depth
        (UREG.Quantity(2, "mm"), Dim.AREA),
        (UREG.Quantity(45, ""), Dim.ANGLE),  # dimensionless is not an angle
        (UREG.Quantity(1, "radian"), Dim.FRACTION),
        (UREG.Quantity(3, "second"), Dim.VOLUME),
    ],
)
def test_wrong_dimensions_are_refused(value: Any, dim: Dim) -> None:
    with pytest.raises(mesocalc.UnitError, match="^p: "):
        magnitude(value, "p", dim)


@pytest.mark.parametrize("dim", [Dim.LENGTH, Dim.AREA, Dim.VOLUME, Dim.ANGLE])
def test_bare_numbers_name_the_expected_unit(dim: Dim) -> None:
    with pytest.raises(mesocalc.UnitError) as info:
        magnitude(40, "p", dim)
    assert dim.example in str(info.value)


@pytest.mark.parametrize("value", [True, None, [1, 2], {"value": 1}, b"7 mm", object()])
def test_wrong_types_are_refused(value: Any) -> None:
    with pytest.raises(mesocalc.InputTypeError, match="^depth: ") as info:
        magnitude(value, "depth", Dim.LENGTH)
    assert isinstance(info.value, TypeError)


@given(st.floats(min_value=1e-6, max_value=1e6), st.sampled_from(sorted(UNITS)))
def test_any_known_unit_round_trips_through_text(number: float, unit: str) -> None:
    dim, factor = UNITS[unit]
    assert parse_string(f"{number!r} {unit}", "x", dim) == pytest.approx(number * factor)


@given(mst.garbage_strings())
def test_garbage_never_escapes_as_a_foreign_error(text: str) -> None:
    with pytest.raises(mesocalc.MesocalcError):
        magnitude(text, "area", Dim.AREA)


def test_errors_pickle() -> None:
    try:
        magnitude("1.5 ML", "volume_per_point", Dim.VOLUME)
    except mesocalc.MesocalcError as exc:
        again = pickle.loads(pickle.dumps(exc))
        assert type(again) is type(exc)
        assert str(again) == str(exc)
        assert again.parameter == "volume_per_point"


def test_first_use_from_many_threads_at_once() -> None:
    """pint builds its application registry lazily; mesocalc must build it once, safely."""
    code = textwrap.dedent(
        """
        import threading, mesocalc
        results, errors = [], []
        def work():
            try:
                p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2",
                                  spacing="7.5 mm", volume_per_point="0.02 mL")
                results.append(p.total_volume.to("uL").magnitude)
            except Exception as exc:
                errors.append(repr(exc))
        threads = [threading.Thread(target=work) for _ in range(16)]
        for t in threads: t.start()
        for t in threads: t.join()
        assert not errors, errors
        assert len(results) == 16 and all(abs(r - 1440.0) < 1e-9 for r in results), results
        print("ok")
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_a_quantity_of_the_wrong_dimension_is_named_with_its_article() -> None:
    with pytest.raises(mesocalc.UnitError) as info:
        mesocalc.plan(technique="classic", zone="face", area=UREG.Quantity(4.0, "cm"))
    assert "cm is not an area unit" in str(info.value)
    with pytest.raises(mesocalc.UnitError) as info:
        mesocalc.plan(technique="classic", zone="face", area="40 cm^2", angle="3 mm")
    assert "'mm' is a length" in str(info.value)
