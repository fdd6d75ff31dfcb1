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
"""

from __future__ import annotations

import enum
import functools
import math
import re
import sys
import threading
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from mesocalc.exceptions import InputTypeError, InvalidValueError, ParseError, UnitError

if TYPE_CHECKING:
    import pint

    from mesocalc.typing import Quantity

__all__ = [
    "Dim",
    "length_pairs",
    "magnitude",
    "parse_string",
    "quantity",
    "registry",
]


class Dim(enum.Enum):
    """The dimensions mesocalc accepts, with their canonical unit and an example."""

    LENGTH = ("length", "millimeter", "mm", "'7 mm'")
    AREA = ("area", "millimeter ** 2", "mm²", "'40 cm^2'")
    VOLUME = ("volume", "milliliter", "mL", "'0.02 mL'")
    ANGLE = ("angle", "degree", "°", "'45 deg'")
    FRACTION = ("fraction", "dimensionless", "", "0.5 or '50 %'")

    def __init__(self, label: str, canonical: str, symbol: str, example: str) -> None:
        self.label = label
        self.canonical = canonical
        self.symbol = symbol
        self.example = example

    @property
    def expected(self) -> str:
        """Words for error messages: what an input of this dimension looks like."""
        if self is Dim.FRACTION:
            return f"a fraction such as {self.example}"
        return f"{'an' if self.label[0] in 'aeiou' else 'a'} {self.label} such as {self.example}"


# Inputs larger than these (in canonical units) are typing errors, not plans: a
# software sanity bound that keeps arithmetic and layouts finite, not a clinical
# limit. 100 m² of area, 10 m of length, 10 L of product.
SANE_MAX: Final = {
    Dim.LENGTH: 10_000.0,
    Dim.AREA: 100e6,
    Dim.VOLUME: 10_000.0,
    Dim.ANGLE: 360.0,
    Dim.FRACTION: 1.0,
}

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
    return table


UNITS: Final = _unit_table()

_NUMBER = re.compile(
    r"\s*(?P<number>[+-]?(?:\d{1,20}(?:[.,]\d{0,20})?|[.,]\d{1,20})(?:[eE][+-]?\d{1,3})?)"
    r"\s*(?P<unit>\S{0,12})\s*"
)


@functools.lru_cache(maxsize=4096)
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
        raise UnitError(
            parameter, text, dim.expected, f"unknown unit {unit!r}; known: {', '.join(known)}"
        )
    unit_dim, factor = UNITS[unit]
    if unit_dim is not dim:
        raise UnitError(parameter, text, dim.expected, f"{unit!r} is a {unit_dim.label}")
    return float(number) * factor


_lock = threading.Lock()
_built: set[int] = set()
_units_cache: dict[tuple[int, str], Any] = {}
_factor_cache: dict[tuple[str, Dim], float | None] = {}


def registry() -> pint.UnitRegistry[Any]:
    """The application registry of pint, built under a lock on first use.

    pint builds that registry lazily, and two threads building it at once can
    corrupt it; the lock makes the first build happen once.
    """
    import pint  # noqa: PLC0415 - pint costs ~200 ms to import; string inputs never need it

    reg: pint.UnitRegistry[Any] = pint.get_application_registry().get()  # type: ignore[no-untyped-call]
    if id(reg) not in _built:
        with _lock:
            if id(reg) not in _built:
                reg.Unit("mm")  # forces a lazy registry to build itself
                _built.add(id(reg))
    return reg


def quantity(value: Any, unit: str) -> Quantity:
    """A Quantity of the application registry; ``unit`` is a pint unit name."""
    reg = registry()
    key = (id(reg), unit)
    units = _units_cache.get(key)
    if units is None:
        units = _units_cache[key] = reg.Unit(unit)
    return reg.Quantity(value, units)


def _is_quantity(value: Any) -> bool:
    pint = sys.modules.get("pint")
    return pint is not None and isinstance(value, pint.Quantity)


def _quantity_factor(units_text: str, dim: Dim) -> float | None:
    """Factor from ``units_text`` to ``dim``'s canonical unit, or None if the dimension differs."""
    key = (units_text, dim)
    if key not in _factor_cache:
        reg = registry()
        one = reg.Quantity(1.0, units_text)
        factor: float | None = None
        if dim is Dim.ANGLE:
            # pint treats angles as dimensionless: require a unit whose root is the radian.
            root = reg.get_root_units(units_text)[1]
            if str(root) == "radian":
                factor = float(one.to(dim.canonical).magnitude)
        elif dim is Dim.FRACTION:
            if one.dimensionless and "radian" not in str(reg.get_root_units(units_text)[1]):
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
    if _is_quantity(value):
        mag = np.asarray(value.magnitude)
        if mag.size > 2 * _MAX_PAIRS:
            raise InvalidValueError(
                parameter, f"{mag.size} numbers", f"at most {_MAX_PAIRS} pairs"
            )
        if mag.dtype.kind not in "iuf":
            raise InputTypeError(parameter, value, expected, "the magnitudes must be real numbers")
        factor = _quantity_factor(str(value.units), Dim.LENGTH)
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


def _check_number(number: float, parameter: str, shown: Any, dim: Dim) -> float:
    if math.isnan(number) or math.isinf(number):
        raise InvalidValueError(parameter, shown, dim.expected, "not a finite number")
    return number


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
        return _check_number(parse_string(value, parameter, dim), parameter, value, dim)
    if _is_quantity(value):
        mag = value.magnitude
        if isinstance(mag, bool) or not isinstance(mag, (int, float, np.integer, np.floating)):
            raise InputTypeError(
                parameter, value, dim.expected, "the magnitude must be one real number"
            )
        factor = _quantity_factor(str(value.units), dim)
        if factor is None:
            raise UnitError(
                parameter, value, dim.expected, f"{value.units:~P} is not a {dim.label} unit"
            )
        return _check_number(float(mag) * factor, parameter, value, dim)
    if isinstance(value, bool):
        raise InputTypeError(parameter, value, dim.expected, "a bool is not a measurement")
    if isinstance(value, (int, float, np.integer, np.floating)):
        if dim is Dim.FRACTION:
            return _check_number(float(value), parameter, value, dim)
        raise UnitError(
            parameter,
            value,
            dim.expected,
            f"a bare number has no unit; mesocalc never assumes {dim.symbol}",
        )
    raise InputTypeError(parameter, value, dim.expected, f"got a {type(value).__name__}")
