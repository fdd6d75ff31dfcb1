"""The kinds of field the codec writes and reads: quantities, numbers, texts, dates, names.

Each attrs field says how it is written through its metadata, made by the factories
here (``quantity_field("depth")``, ``name(Zone)``, ...). Why a module of its own: a kind
turns one field's value into plain JSON data and back, checking it, and needs nothing of
the walks over a whole object; the codec (``_codec``) holds those walks and the kinds that
nest value objects (``part``, ``payloads``), which recurse through them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from mesocalc._engine import numpy_binding as _numpy
from mesocalc._engine.numpy_binding import is_ndarray
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc._quantities.units import MAX_ELEMENTS, quantity
from mesocalc._records.structuring import Reader
from mesocalc.exceptions import InvalidValueError

if TYPE_CHECKING:
    import numpy as np
else:
    np = _numpy.NUMPY

__all__ = [
    "date",
    "flag",
    "mapping",
    "moment",
    "name",
    "names",
    "number",
    "quantity_field",
    "quantity_of",
    "read_quantity",
    "rings",
    "skip",
    "text",
    "texts",
    "whole",
]

_KEY: Final = "mesocalc"
# The structuring layer every reader of untrusted data shares; stored JSON names a fault
# by the path of the value at fault, an unknown key by its own path.
_JSON: Final = Reader(InvalidValueError, keys_in_table=False)


class _Kind:
    """How one field is written and read back (plain classes: attrs costs start-up time)."""

    def encode(self, value: Any, obj: Any) -> Any:
        return value

    def decode(self, raw: Any, path: str, data: Mapping[str, Any]) -> Any:
        return raw


def _meta(kind: _Kind, key: str | None) -> dict[str, Any]:
    """Field metadata; ``key`` is the JSON key when it is not the field's public name."""
    return {_KEY: kind, f"{_KEY}.key": key}


class _Skip(_Kind):
    pass


def skip() -> dict[str, Any]:
    """Metadata of a field that is not written (derived state, rebuilt on reading)."""
    return _meta(_Skip(), None)


def _json_array(value: Any) -> Any:
    return np.asarray(value).tolist() if is_ndarray(value) or isinstance(value, tuple) else value


def _numbers(raw: Any, path: str, *, integer: bool, arrays: bool) -> Any:
    """A number (or, with ``arrays``, a nested list of them) from JSON, as float, int or array."""
    expected = "an integer" if integer else "a number"
    if isinstance(raw, list) and arrays:
        try:
            array = np.array(raw)
        except ValueError:  # ragged nesting
            raise InvalidValueError(path, raw, f"{expected}, or a list of them") from None
        kinds = "iu" if integer else "iuf"
        if array.size > MAX_ELEMENTS or (array.size and array.dtype.kind not in kinds):
            raise InvalidValueError(path, raw, f"{expected}, or a list of them")
        array = array.astype(np.int64 if integer else np.float64)
        array.setflags(write=False)  # value objects are immutable
        return array
    if integer:
        return int(_JSON.whole(raw, path, expected))
    return _JSON.number(raw, path, expected, finite=False)  # the class's validators: NaN


class _Quantity(_Kind):
    def __init__(self, parameter: str | None, arrays: bool, given: bool, shown: bool) -> None:
        self.parameter = parameter  # None: named by the sibling field "parameter"
        self.arrays = arrays
        self.given = given  # the class's converter reads user input: pass it a Quantity
        self.shown = shown  # the field holds magnitudes in the shown (JSON) unit already

    def encode(self, value: Any, obj: Any) -> Any:
        p = PARAMETERS[self.parameter or obj.parameter]
        if not self.shown and p.per_shown != 1.0:
            scalar = not self.arrays or type(value) in (float, int)
            value = value / p.per_shown if scalar else np.asarray(value) / p.per_shown
        return {"value": _json_array(value), "unit": p.json}

    def decode(self, raw: Any, path: str, data: Mapping[str, Any]) -> Any:
        parameter = self.parameter or data.get("parameter")
        if not isinstance(parameter, str) or parameter not in PARAMETERS:
            raise InvalidValueError(f"{path}.parameter", parameter, "a known parameter name")
        p = PARAMETERS[parameter]
        if not isinstance(raw, dict) or raw.get("unit") != p.json or set(raw) != {"value", "unit"}:
            raise InvalidValueError(path, raw, f"{{'value': ..., 'unit': '{p.json}'}}")
        m = _numbers(raw["value"], path, integer=False, arrays=self.arrays)
        if self.given and p.dim.label != "fraction":
            return quantity(m, p.shown_unit)
        if not self.shown and p.per_shown != 1.0 and is_ndarray(m):
            with np.errstate(over="ignore"):  # inf, which the class refuses, as for one float
                m = m * p.per_shown
            m.setflags(write=False)  # value objects are immutable
        elif not self.shown and p.per_shown != 1.0:
            m = m * p.per_shown
        return m


def read_quantity(raw: Any, path: str, parameter: str, *, arrays: bool = False) -> Any:
    """A stored quantity of ``parameter`` as a magnitude (or array) in its canonical unit."""
    return _Quantity(parameter, arrays, given=False, shown=False).decode(raw, path, {})


def quantity_field(
    parameter: str | None,
    *,
    key: str | None = None,
    arrays: bool = False,
    given: bool = False,
    shown: bool = False,
) -> dict[str, Any]:
    """Metadata of a magnitude of ``parameter`` (None: the sibling field ``parameter`` names it).

    JSON holds it in the parameter's shown unit (``PARAMETERS[...].json``, a UCUM
    code: an area in cm2), the unit people read. ``arrays``: it may be an array
    (plans over arrays). ``given``: the class's converter reads user input, so
    reading passes it a Quantity. ``shown``: the field holds shown-unit magnitudes
    (a Plan's area, in cm², so that it reads back exactly); otherwise canonical ones,
    converted on the way.
    """
    return _meta(_Quantity(parameter, arrays, given, shown), key)


class _OneOf(_Kind):
    """A quantity of one of several parameters: a ``(magnitude, parameter)`` pair.

    Written as any quantity is, in the JSON unit of its parameter; read back by that unit
    (a Product's concentration: ``mg/mL`` or ``[arb'U]/mL``), as a Quantity for the
    class's converter to read.
    """

    def __init__(self, parameters: tuple[str, ...]) -> None:
        self.parameters = parameters

    def encode(self, value: Any, obj: Any) -> Any:
        m, parameter = value
        return {"value": PARAMETERS[parameter].to_shown(m), "unit": PARAMETERS[parameter].json}

    def decode(self, raw: Any, path: str, data: Mapping[str, Any]) -> Any:
        by_unit = {PARAMETERS[name].json: PARAMETERS[name] for name in self.parameters}
        unit = raw.get("unit") if isinstance(raw, dict) else None
        p = by_unit.get(unit) if isinstance(unit, str) else None
        if p is None or set(raw) != {"value", "unit"}:
            units = " or ".join(repr(u) for u in by_unit)
            raise InvalidValueError(path, raw, f"{{'value': ..., 'unit': {units}}}")
        return quantity(_numbers(raw["value"], path, integer=False, arrays=False), p.shown_unit)

    def shown(self, value: Any) -> str:
        """The value as a repr shows it: ``'20 U/mL'``."""
        return repr(PARAMETERS[value[1]].show(value[0], digits=6))


def quantity_of(*parameters: str, key: str | None = None) -> dict[str, Any]:
    """Metadata of a ``(magnitude, parameter)`` pair, the parameter one of ``parameters``."""
    return _meta(_OneOf(parameters), key)


class _Rings(_Kind):
    """A tuple of coordinate arrays (a polygon's holes), each written as a quantity."""

    def __init__(self, parameter: str) -> None:
        self.parameter = parameter

    def encode(self, value: Any, obj: Any) -> Any:
        unit = PARAMETERS[self.parameter].json
        return [{"value": _json_array(ring), "unit": unit} for ring in value]

    def decode(self, raw: Any, path: str, data: Mapping[str, Any]) -> Any:
        if not isinstance(raw, list):
            raise InvalidValueError(path, raw, "a list")
        one = _Quantity(self.parameter, arrays=True, given=True, shown=True)
        return tuple(one.decode(ring, f"{path}[{i}]", data) for i, ring in enumerate(raw))


def rings(parameter: str, *, key: str | None = None) -> dict[str, Any]:
    """Metadata of a tuple of coordinate arrays in the unit of ``parameter``."""
    return _meta(_Rings(parameter), key)


class _Number(_Kind):
    def __init__(self, *, integer: bool, arrays: bool) -> None:
        self.integer = integer
        self.arrays = arrays

    def encode(self, value: Any, obj: Any) -> Any:
        return _json_array(value)

    def decode(self, raw: Any, path: str, data: Mapping[str, Any]) -> Any:
        return _numbers(raw, path, integer=self.integer, arrays=self.arrays)


def number(*, key: str | None = None, arrays: bool = False) -> dict[str, Any]:
    """Metadata of a plain float (a fraction), or an array of them."""
    return _meta(_Number(integer=False, arrays=arrays), key)


def whole(*, key: str | None = None, arrays: bool = False) -> dict[str, Any]:
    """Metadata of an int (a count), or an int array."""
    return _meta(_Number(integer=True, arrays=arrays), key)


class _Text(_Kind):
    def decode(self, raw: Any, path: str, data: Mapping[str, Any]) -> Any:
        return _JSON.text(raw, path)


class _Flag(_Kind):
    def decode(self, raw: Any, path: str, data: Mapping[str, Any]) -> Any:
        return _JSON.flag(raw, path)


def text(*, key: str | None = None) -> dict[str, Any]:
    """Metadata of a string."""
    return _meta(_Text(), key)


def flag(*, key: str | None = None) -> dict[str, Any]:
    """Metadata of a bool."""
    return _meta(_Flag(), key)


class _Texts(_Kind):
    def encode(self, value: Any, obj: Any) -> Any:
        return list(value)

    def decode(self, raw: Any, path: str, data: Mapping[str, Any]) -> Any:
        return _JSON.texts(raw, path)


class _Date(_Kind):
    def encode(self, value: Any, obj: Any) -> Any:
        return value.isoformat()

    def decode(self, raw: Any, path: str, data: Mapping[str, Any]) -> Any:
        if not isinstance(raw, str):
            raise InvalidValueError(path, raw, "an ISO date such as '2026-11-26'")
        return raw  # the class's converter and validator read and check it


def date(*, key: str | None = None) -> dict[str, Any]:
    """Metadata of a ``datetime.date``, written as an ISO string."""
    return _meta(_Date(), key)


class _Moment(_Kind):
    def encode(self, value: Any, obj: Any) -> Any:
        return value.isoformat()

    def decode(self, raw: Any, path: str, data: Mapping[str, Any]) -> Any:
        if not isinstance(raw, str):
            expected = (
                "an ISO 8601 date and time with its UTC offset, such as '2026-12-04T10:30+01:00'"
            )
            raise InvalidValueError(path, raw, expected)
        return raw  # the class's converter reads it and refuses a time without an offset


def moment(*, key: str | None = None) -> dict[str, Any]:
    """Metadata of a timezone-aware ``datetime.datetime``, written as an ISO 8601 string."""
    return _meta(_Moment(), key)


def texts(*, key: str | None = None) -> dict[str, Any]:
    """Metadata of a tuple of strings."""
    return _meta(_Texts(), key)


class _Mapping(_Kind):
    def encode(self, value: Any, obj: Any) -> Any:
        return dict(value)

    def decode(self, raw: Any, path: str, data: Mapping[str, Any]) -> Any:
        if not isinstance(raw, dict):
            raise InvalidValueError(path, raw, "an object of names to numbers")
        return raw  # the class's validator checks the names and numbers


def mapping(*, key: str | None = None) -> dict[str, Any]:
    """Metadata of a mapping of names to numbers."""
    return _meta(_Mapping(), key)


class _Name(_Kind):
    def __init__(self, kind: type[enum.Enum]) -> None:
        self.kind = kind

    def encode(self, value: Any, obj: Any) -> Any:
        return value.value

    def decode(self, raw: Any, path: str, data: Mapping[str, Any]) -> Any:
        return _JSON.member(self.kind, raw, path)


def name(kind: type[enum.Enum], *, key: str | None = None) -> dict[str, Any]:
    """Metadata of a member of a closed set of names (an enum), written as its value."""
    return _meta(_Name(kind), key)


class _Names(_Name):
    """A tuple of members of a closed set or None, written as a list of values and nulls."""

    def encode(self, value: Any, obj: Any) -> Any:
        return [None if v is None else v.value for v in value]

    def decode(self, raw: Any, path: str, data: Mapping[str, Any]) -> Any:
        if not isinstance(raw, list):
            raise InvalidValueError(path, raw, "a list")
        one = super().decode
        return tuple(
            None if v is None else one(v, f"{path}[{i}]", data) for i, v in enumerate(raw)
        )


def names(kind: type[enum.Enum], *, key: str | None = None) -> dict[str, Any]:
    """Metadata of a tuple of members of ``kind`` or None (a side per area)."""
    return _meta(_Names(kind), key)
