"""The one module that owns units.

Inputs arrive as pint Quantities or as strings such as ``"40 cm^2"``. They are
converted here, once, to plain magnitudes in canonical units (mm, mm², mL,
degrees); everything else in mesocalc computes on those magnitudes and only the
result objects turn them back into Quantities.

Strings are parsed by hand, never by pint's expression parser: pint reads
``"1,5 mL"`` as 15 mL, ``"1.5 ML"`` as megalitres and ``"30 G"`` as gauss, and
can be made to hang by short hostile input. Here a string is one number and one
unit taken from an explicit, case-sensitive list, and its length is capped.

pint itself is imported only when a Quantity is needed, and its application
registry is built under a lock, because pint builds it lazily and that first
build is not thread-safe.

Arrays of values, and values that may be in any of several dimensions, are read by
:mod:`mesocalc._quantities.magnitudes`, on top of :func:`magnitude`.
"""

from __future__ import annotations

import enum
import math
import re
import sys
from typing import TYPE_CHECKING, Any, Final

from mesocalc._engine import engine as _engine
from mesocalc._engine import numpy_binding as _numpy
from mesocalc.exceptions import (
    InputTypeError,
    InvalidValueError,
    ParseError,
    UnitError,
)

if TYPE_CHECKING:
    import numpy as np
    import pint

    from mesocalc.typing import Quantity
else:
    np = _numpy.NUMPY

__all__ = [
    "BIOLOGICAL_UNIT",
    "MAX_ELEMENTS",
    "Dim",
    "define_biological_unit",
    "factor_of",
    "is_quantity",
    "length_pairs",
    "magnitude",
    "parse_string",
    "quantity",
    "quantity_class",
    "quantity_factor",
    "registry",
    "string_dim",
    "too_many",
    "unit_factor",
]


# The pint name of a biological unit (a toxin's "U"), and its base dimension: defined in
# the application registry the first time a Quantity of it is made (ADR 0010).
BIOLOGICAL_UNIT: Final = "biological_unit"
BIOLOGICAL_DIMENSION: Final = "[biological_activity]"


class Dim(enum.Enum):
    """The dimensions mesocalc accepts, with their canonical unit and an example."""

    LENGTH = ("length", "millimeter", "mm", "'7 mm'")
    AREA = ("area", "millimeter ** 2", "mm²", "'40 cm^2'")
    VOLUME = ("volume", "milliliter", "mL", "'0.02 mL'")
    ANGLE = ("angle", "degree", "deg", "'45 deg'")
    FRACTION = ("fraction", "dimensionless", "", "0.5 or '50 %'")
    DOSE = ("dose per area", "milliliter / centimeter ** 2", "mL/cm²", "'0.2 mL/cm^2'")
    CONCENTRATION = ("concentration", "milligram / milliliter", "mg/mL", "'10 mg/mL'")
    # Biological units (a toxin's "U"): a dimension of their own, converting to nothing
    # else. Not pint's "U", the enzyme unit (µmol/min); see ADR 0010.
    BIOLOGICAL_CONCENTRATION = (
        "concentration in biological units",
        f"{BIOLOGICAL_UNIT} / milliliter",
        "U/mL",
        "'20 U/mL'",
    )
    MASS = ("mass", "milligram", "mg", "'20 mg'")
    BIOLOGICAL = ("amount in biological units", BIOLOGICAL_UNIT, "U", "'100 U'")

    # Members are singletons: identity hashing is exact, and C-fast in the dict and cache
    # look-ups every input goes through (Enum's own __hash__ is Python code).
    __hash__ = object.__hash__

    def __init__(self, label: str, canonical: str, symbol: str, example: str) -> None:
        self.label = label
        self.canonical = canonical
        self.symbol = symbol
        self.example = example

    @property
    def article(self) -> str:
        """The article for the label: "a" or "an"."""
        return "an" if self.label[0] in "aeiou" else "a"

    @property
    def expected(self) -> str:
        """Words for error messages: what an input of this dimension looks like."""
        return f"{self.article} {self.label} such as {self.example}"


# Inputs larger than these (in canonical units) are typing errors, not plans: a
# software sanity bound that keeps arithmetic and layouts finite, not a clinical
# limit. 100 m² of area, 10 m of length, 10 L of product.
SANE_MAX: Final = {
    Dim.LENGTH: 10_000.0,
    Dim.AREA: 100e6,
    Dim.VOLUME: 10_000.0,
    Dim.ANGLE: 360.0,
    Dim.FRACTION: 1.0,
    Dim.DOSE: 100.0,  # 1 L per cm²: a typing error, not a plan
    Dim.CONCENTRATION: 10_000.0,  # 10 g per mL
    Dim.BIOLOGICAL_CONCENTRATION: 1e9,  # a billion units per mL
    Dim.MASS: 1e7,  # 10 kg
    Dim.BIOLOGICAL: 1e9,  # a billion units
}

# The floor under every positive input, in canonical units: one billionth of the unit
# (1 pm of length, 1e-9 mm² of area, 1 pL of volume, 1e-9 degree). Also a software bound,
# not a clinical one: a subnormal or tiny magnitude (1e-320 mm) is a typing error, and
# above the floor no ratio or product of inputs can overflow, underflow to zero or
# divide by zero (the largest ratio, ceiling over floor, is 1e17 at most).
SANE_MIN: Final = dict.fromkeys(Dim, 1e-9)

_MAX_STRING = 64

_LENGTHS = {"um": 1e-3, "µm": 1e-3, "μm": 1e-3, "mm": 1.0, "cm": 10.0, "m": 1000.0}
_SQUARED = ("^2", "**2", "2", "²")
_CUBED = ("^3", "**3", "3", "³")


def _unit_table() -> dict[str, tuple[Dim, float]]:
    """Every unit spelling a string may use, with its dimension and canonical factor."""
    table: dict[str, tuple[Dim, float]] = {}
    for name, factor in _LENGTHS.items():
        table[name] = (Dim.LENGTH, factor)
        for suffix in _SQUARED:
            table[name + suffix] = (Dim.AREA, factor * factor)
    for name in ("mm", "cm"):
        for suffix in _CUBED:
            table[name + suffix] = (Dim.VOLUME, _LENGTHS[name] ** 3 / 1000.0)
    for micro in ("u", "µ", "μ"):
        table[micro + "L"] = table[micro + "l"] = (Dim.VOLUME, 1e-3)
    table.update({"mL": (Dim.VOLUME, 1.0), "ml": (Dim.VOLUME, 1.0), "cc": (Dim.VOLUME, 1.0)})
    table.update({"L": (Dim.VOLUME, 1000.0), "l": (Dim.VOLUME, 1000.0)})
    for name in ("deg", "°", "degree", "degrees"):
        table[name] = (Dim.ANGLE, 1.0)
    table["rad"] = (Dim.ANGLE, 180.0 / math.pi)
    table["%"] = (Dim.FRACTION, 0.01)
    # A dose per area: a volume over an area, such as "0.2 mL/cm^2", in mL per cm².
    volumes = {k: f for k, (d, f) in table.items() if d is Dim.VOLUME and not k[-1].isdigit()}
    areas = {k: f for k, (d, f) in table.items() if d is Dim.AREA and k[:2] in ("mm", "cm")}
    for v, vf in volumes.items():
        for a, af in areas.items():
            table[f"{v}/{a}"] = (Dim.DOSE, vf / af * 100.0)
    # A concentration: a mass over a volume, such as "10 mg/mL", in mg per mL.
    masses = {"mg": 1.0, "g": 1000.0, "ug": 1e-3, "µg": 1e-3, "μg": 1e-3}
    for m, mf in masses.items():
        table[m] = (Dim.MASS, mf)
        for v, vf in volumes.items():
            table[f"{m}/{v}"] = (Dim.CONCENTRATION, mf / vf)
    # Biological units, such as "20 U/mL": "U" is read as a biological unit, never as
    # pint's enzyme unit.
    table["U"] = (Dim.BIOLOGICAL, 1.0)
    for v, vf in volumes.items():
        table[f"U/{v}"] = (Dim.BIOLOGICAL_CONCENTRATION, 1.0 / vf)
    return table


UNITS: Final = _unit_table()

_NUMBER = re.compile(
    r"\s*(?P<number>[+-]?(?:\d{1,20}(?:[.,]\d{0,20})?|[.,]\d{1,20})(?:[eE][+-]?\d{1,3})?)"
    r"\s*(?P<unit>\S{0,12})\s*"
)


@_engine.cached(4096)
def parse_string(text: str, parameter: str, dim: Dim) -> float:
    """Read ``"<number> <unit>"`` into a magnitude in ``dim``'s canonical unit.

    A decimal comma (``"1,5 mL"``) is read as a decimal point; a comma followed by
    exactly three digits (``"1,500 mL"``) could be a thousands separator, so it is
    refused rather than guessed.
    """
    shown = text if len(text) <= _MAX_STRING else text[:_MAX_STRING] + "..."
    if len(text) > _MAX_STRING:
        raise ParseError(parameter, shown, dim.expected, f"longer than {_MAX_STRING} characters")
    match = _NUMBER.fullmatch(text)
    if match is None:
        raise ParseError(parameter, text, dim.expected, "not one number followed by one unit")
    number, unit = match["number"], match["unit"]
    if "," in number:
        if re.search(r",\d{3}(?!\d)", number):
            raise ParseError(
                parameter, text, dim.expected, "ambiguous comma: write a decimal point"
            )
        number = number.replace(",", ".")
    if unit not in UNITS:
        if not unit:
            raise UnitError(parameter, text, dim.expected, "the number has no unit")
        known = sorted(k for k, (d, _) in UNITS.items() if d is dim)
        listed = {
            Dim.DOSE: "a volume over an area, such as mL/cm^2 or uL/mm2",
            Dim.CONCENTRATION: "a mass over a volume, such as mg/mL",
            Dim.BIOLOGICAL_CONCENTRATION: "U over a volume, such as U/mL",
        }.get(dim, ", ".join(known))
        raise UnitError(parameter, text, dim.expected, f"unknown unit {unit!r}; known: {listed}")
    unit_dim, factor = UNITS[unit]
    if unit_dim is not dim:
        raise UnitError(
            parameter, text, dim.expected, f"{unit!r} is {unit_dim.article} {unit_dim.label}"
        )
    return float(number) * factor


def string_dim(text: str) -> Dim | None:
    """The dimension of the unit of ``text``, one number and one known unit; else None."""
    match = _NUMBER.fullmatch(text) if len(text) <= _MAX_STRING else None
    found = None if match is None else UNITS.get(match["unit"])
    return None if found is None else found[0]


def unit_factor(unit: Any, parameter: str, dim: Dim) -> float:
    """How many canonical units one ``unit`` is: ``"cm"`` is 10 mm.

    For numbers that come without a unit of their own (a geometry's coordinates): the
    caller names the unit, from the spellings strings may use, and it must be of ``dim``.

    Raises:
        InputTypeError: ``unit`` is not a string.
        UnitError: an unknown unit, or one of another dimension.
    """
    known = ", ".join(repr(k) for k, (d, _) in UNITS.items() if d is dim)
    expected = f"{dim.article} {dim.label} unit: {known}"
    if not isinstance(unit, str):
        detail = "numbers without a unit are never assumed to be in one"
        if unit is not None:
            detail = f"got a {type(unit).__name__}; name the unit as a string"
        raise (UnitError if unit is None else InputTypeError)(parameter, unit, expected, detail)
    found = UNITS.get(unit.strip())
    if found is None:
        raise UnitError(parameter, unit, expected, "unknown unit")
    if found[0] is not dim:
        raise UnitError(
            parameter, unit, expected, f"{unit.strip()!r} is {found[0].article} {found[0].label}"
        )
    return found[1]


# The dimensions of biological units, defined in the registry before a factor to them.
_BIOLOGICAL_DIMS: Final = (Dim.BIOLOGICAL, Dim.BIOLOGICAL_CONCENTRATION)

# The engine's stores (mesocalc._engine.engine), which the engine's lock guards: the registries
# (by id) already built; by pint unit name, the registry Quantities were made for and how
# to make them (_maker); unit factors; and pint's Quantity class and application registry
# (the wrapper whose .get() is the registry), set once pint is fully imported, pint last.
_built: Final = _engine.table("units.built")
_makers: Final[dict[str, tuple[Any, Any, Any, bool]]] = _engine.table("units.makers")
_factor_cache: Final[dict[tuple[Any, Dim], float | None]] = _engine.table("units.factors")
_pint: Final = _engine.table("units.pint")


def pint_module() -> Any:
    """pint, imported on first use by the engine (pint costs ~200 ms; strings never need it)."""
    module = _pint.get("pint")
    if module is None:
        with _engine.LOCK:
            module = _engine.imported("pint")
            _pint["quantity_class"] = module.Quantity
            _pint["app"] = module.get_application_registry()
            _pint["pint"] = module
    return module


def registry() -> pint.UnitRegistry[Any]:
    """The application registry of pint, built under a lock on first use.

    pint builds that registry lazily, and two threads building it at once can
    corrupt it; the lock makes the first build happen once.
    """
    reg: pint.UnitRegistry[Any] = pint_module().get_application_registry().get()
    if _built.get(id(reg)) is not reg:  # the same registry: an id alone may be reused
        with _engine.LOCK:
            if _built.get(id(reg)) is not reg:
                reg.Unit("mm")  # forces a lazy registry to build itself
                _built[id(reg)] = reg
    return reg


def _maker(reg: pint.UnitRegistry[Any], unit: str) -> tuple[Any, Any, bool]:
    """How to make Quantities of ``unit`` fast: their class, units, and whether it is safe.

    pint's constructor costs ~3 us, mostly in checks that a float magnitude and known
    units never need. A Quantity of the plain kind holds exactly ``_magnitude`` and
    ``_units``; when one made by the constructor is seen to be of that kind (and the
    registry does not force arrays), results are made by filling those two slots.
    """
    ref = reg.Quantity(1.0, reg.Unit(unit))
    units = ref._units
    fast = (
        not getattr(reg, "force_ndarray", True)
        and not getattr(reg, "force_ndarray_like", True)
        and vars(ref).keys() == {"_magnitude", "_units"}
    )
    if fast:
        twin = object.__new__(type(ref))
        twin.__dict__.update(_magnitude=1.0, _units=units)
        fast = repr(twin) == repr(ref) and twin == ref
    return type(ref), units, fast


# Registries (by id) in which biological_unit is known to be defined as mesocalc needs it.
_biological: Final = _engine.table("units.biological")


def define_biological_unit(reg: Any) -> None:
    """Define ``biological_unit``, of its own base dimension, in ``reg``; once, idempotent.

    Called on first need (the first Quantity in biological units), never at import: the
    application registry is the user's, and it gains one unit under a name of its own,
    which shadows nothing pint defines (pint's ``U`` stays the enzyme unit). See ADR 0010.

    Raises:
        UnitError: ``reg`` already holds a ``biological_unit`` of another dimension, or
            refuses the definition.
    """
    if _biological.get(id(reg)) is reg:  # the same registry: an id alone may be reused
        return
    with _engine.LOCK:
        expected = f"{BIOLOGICAL_UNIT} of its own dimension, {BIOLOGICAL_DIMENSION}"
        if BIOLOGICAL_UNIT not in reg:
            try:
                reg.define(f"{BIOLOGICAL_UNIT} = {BIOLOGICAL_DIMENSION}")
            except Exception as exc:  # pint's errors never leak
                raise UnitError(
                    "registry", BIOLOGICAL_UNIT, expected, f"pint refused it: {exc}"
                ) from None
        found = reg.get_dimensionality(BIOLOGICAL_UNIT)
        if dict(found) != {BIOLOGICAL_DIMENSION: 1}:
            raise UnitError(
                "registry",
                BIOLOGICAL_UNIT,
                expected,
                f"the application registry already defines it as {found}",
            )
        _biological[id(reg)] = reg  # kept alive, so that its id names no other object


_new = object.__new__


def quantity(value: Any, unit: str) -> Quantity:
    """A Quantity of the application registry; ``unit`` is a pint unit name.

    Every result a plan returns passes here, so the common case is a dict look-up, a check
    that the application registry is still the one the maker was built for, and two slots.
    """
    made = _makers.get(unit)
    if made is None or made[0] is not _pint["app"].get():
        reg = registry()
        if BIOLOGICAL_UNIT in unit:
            define_biological_unit(reg)
        made = _makers[unit] = (reg, *_maker(reg, unit))
    reg, cls, units, fast = made
    if not fast:
        q: Quantity = reg.Quantity(value, units)
        return q
    q = _new(cls)
    slots = q.__dict__
    slots["_magnitude"] = value
    slots["_units"] = units
    return q


def quantity_class() -> Any:
    """The Quantity class of pint once pint is fully imported (by anyone), else None."""
    cls = _pint.get("quantity_class")
    if cls is None and "pint" in sys.modules:
        cls = pint_module().Quantity
    return cls


def is_quantity(value: Any) -> bool:
    """Whether ``value`` is a pint Quantity (of any registry), without importing pint.

    No Quantity can exist before pint is in ``sys.modules``; once it is, pint is taken
    through :func:`pint_module`, which waits for another thread's import to finish
    rather than read a partly initialised module.
    """
    cls = _pint.get("quantity_class")
    if cls is None:
        if "pint" not in sys.modules:
            return False
        cls = pint_module().Quantity
    return isinstance(value, cls)


def factor_of(value: Any, parameter: str, dim: Dim) -> float:
    """The factor from a Quantity's unit to ``dim``'s canonical unit.

    Raises:
        UnitError: the unit is not one of ``dim``.
    """
    # pint's unit container is hashable and cheap to reach; str(value.units) formats.
    units = getattr(value, "_units", None)
    factor = quantity_factor(str(value.units) if units is None else units, dim)
    if factor is None:
        raise UnitError(
            parameter,
            value,
            dim.expected,
            f"{value.units:~P} is not {dim.article} {dim.label} unit",
        )
    return factor


def quantity_factor(units_text: Any, dim: Dim) -> float | None:
    """Factor from ``units_text`` to ``dim``'s canonical unit, or None if the dimension differs.

    ``units_text`` is a unit expression or pint's container of units (a hashable mapping).
    """
    key = (units_text, dim)
    if key not in _factor_cache:
        reg = registry()
        if dim in _BIOLOGICAL_DIMS:
            define_biological_unit(reg)
        try:
            one = reg.Quantity(1.0, units_text)
            one.dimensionality  # noqa: B018 - a unit of another registry fails here
        except (AttributeError, LookupError, TypeError, ValueError):
            return None  # a unit the application registry does not define ('smoot')
        factor: float | None = None
        if dim is Dim.ANGLE:
            # pint treats angles as dimensionless: require a unit whose root is the radian.
            root = reg.get_root_units(units_text)[1]
            if str(root) == "radian":
                factor = float(one.to(dim.canonical).magnitude)
        elif dim is Dim.FRACTION:
            if one.dimensionless and "radian" not in str(reg.get_root_units(units_text)[1]):
                factor = float(one.to(dim.canonical).magnitude)
        elif dim is Dim.DOSE:
            # A volume over an area is dimensionally a length: require the volume to be named.
            named = str(units_text)
            if ("liter" in named or "cubic" in named) and one.dimensionality == (
                reg.get_dimensionality(dim.canonical)
            ):
                factor = float(one.to(dim.canonical).magnitude)
        elif one.dimensionality == reg.get_dimensionality(dim.canonical):
            factor = float(one.to(dim.canonical).magnitude)
        _factor_cache[key] = factor
    return _factor_cache[key]


def length_pairs(value: Any, parameter: str) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Read (x, y) coordinates into an (N, 2) float array in mm.

    ``value`` is a length Quantity array of shape (N, 2), or a sequence of pairs
    whose items are length strings or scalar length Quantities. Only the units and
    finiteness are checked here; the caller checks the geometry.

    Raises:
        UnitError: bare numbers or a unit that is not a length.
        InputTypeError: not an array or a sequence of pairs.
        InvalidValueError: not of shape (N, 2), NaN or infinite coordinates.
    """
    expected = "a length Quantity array of shape (N, 2), or (x, y) pairs such as ('1 cm', '2 cm')"
    if is_quantity(value):
        mag = np.asarray(value.magnitude)
        if mag.size > 2 * _MAX_PAIRS:
            raise InvalidValueError(
                parameter, f"{mag.size} numbers", f"at most {_MAX_PAIRS} pairs"
            )
        if mag.dtype.kind not in "iuf":
            raise InputTypeError(parameter, value, expected, "the magnitudes must be real numbers")
        factor = quantity_factor(str(value.units), Dim.LENGTH)
        if factor is None:
            raise UnitError(parameter, value, expected, f"{value.units:~P} is not a length unit")
        out = mag.astype(np.float64) * factor
    elif isinstance(value, (list, tuple)):
        if len(value) > _MAX_PAIRS:
            raise InvalidValueError(
                parameter, f"{len(value)} pairs", f"at most {_MAX_PAIRS} pairs"
            )
        rows = []
        for i, pair in enumerate(value):
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise InvalidValueError(
                    parameter, pair, expected, f"item {i} is not an (x, y) pair"
                )
            rows.append([magnitude(item, f"{parameter}[{i}]", Dim.LENGTH) for item in pair])
        out = np.array(rows, dtype=np.float64).reshape(-1, 2)
    elif isinstance(value, np.ndarray):
        raise UnitError(
            parameter, "an array of bare numbers", expected, "the numbers have no unit"
        )
    else:
        raise InputTypeError(parameter, value, expected, f"got a {type(value).__name__}")
    if out.ndim != 2 or out.shape[1] != 2:
        raise InvalidValueError(parameter, value, expected, f"shape {out.shape}")
    if not np.isfinite(out).all():
        raise InvalidValueError(parameter, value, expected, "NaN or infinite coordinates")
    return out


_MAX_PAIRS: Final = 100_000
_EXACT_INT: Final = 2**53  # ints a float holds exactly; larger take the checked path


def _check_number(number: float, parameter: str, shown: Any, dim: Dim) -> float:
    if not math.isfinite(number):
        raise InvalidValueError(parameter, shown, dim.expected, "not a finite number")
    return number


def _float(number: Any, parameter: str, shown: Any, dim: Dim) -> float:
    """``number`` as a float: an int beyond any float (10**400) is an error, not an overflow."""
    try:
        return float(number)
    except OverflowError:
        raise InvalidValueError(
            parameter, shown, dim.expected, "too large: beyond any floating-point number"
        ) from None


def magnitude(value: Any, parameter: str, dim: Dim) -> float:
    """Turn a Quantity or a string into a float magnitude in ``dim``'s canonical unit.

    Only the unit is checked here (and that the number is finite); whether the
    value is positive or in range is for the caller, who knows the parameter.

    Raises:
        UnitError: a bare number where a unit is needed, or the wrong dimension.
        ParseError: a string that is not one number and one known unit.
        InputTypeError: anything that is neither.
    """
    if isinstance(value, str):
        if type(value) is not str:  # a subclass (numpy.str_, or one that will not hash)
            value = str.__str__(value)  # its text, as a plain str
        return _check_number(parse_string(value, parameter, dim), parameter, value, dim)
    cls = _pint.get("quantity_class")
    if cls is not None:
        # The common case, inlined: a Quantity of a float (or exact int) whose units were seen.
        mag: Any = getattr(value, "_magnitude", None)
        kind = type(mag)
        if (kind is float or (kind is int and abs(mag) <= _EXACT_INT)) and isinstance(value, cls):
            factor = _factor_cache.get((value._units, dim))
            if factor is not None:
                m: float = mag * factor
                if m - m == 0.0:  # finite
                    return m
    if is_quantity(value):
        mag = value.magnitude
        if type(mag) is not float and (
            isinstance(mag, bool) or not isinstance(mag, (int, float, np.integer, np.floating))
        ):
            raise InputTypeError(
                parameter, value, dim.expected, "the magnitude must be one real number"
            )
        factor = factor_of(value, parameter, dim)
        return _check_number(_float(mag, parameter, value, dim) * factor, parameter, value, dim)
    if isinstance(value, bool):
        raise InputTypeError(parameter, value, dim.expected, "a bool is not a measurement")
    if isinstance(value, (int, float, np.integer, np.floating)):
        if dim is Dim.FRACTION:
            return _check_number(_float(value, parameter, value, dim), parameter, value, dim)
        raise UnitError(
            parameter,
            value,
            dim.expected,
            f"a bare number has no unit; mesocalc never assumes {dim.symbol}",
        )
    raise InputTypeError(parameter, value, dim.expected, f"got a {type(value).__name__}")


# The most elements an array input may hold: ten million areas is a sweep; more is a
# mistake that would otherwise eat memory.
MAX_ELEMENTS: Final = 10**7


def too_many(parameter: str, value: Any, dim: Dim, size: int) -> InvalidValueError:
    """The error of an array input of ``size`` elements, more than :data:`MAX_ELEMENTS`."""
    return InvalidValueError(
        parameter,
        value,
        f"{dim.expected}, or an array of at most {MAX_ELEMENTS:,} of them",
        f"{size:,} elements",
    )
