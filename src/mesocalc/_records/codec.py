"""One codec for every value object: plain JSON data out, checked objects back in.

Each attrs field says how it is written through its metadata, made by the
factories here (``quantity("depth")``, ``name(Zone)``, ``part(Needle)``, ...); the
two walks, :func:`unstructure` and :func:`structure`, are the same for every
class. A quantity is written as ``{"value": ..., "unit": ...}`` in the JSON unit of
its entry in the parameter table (a UCUM code), so a unit has one spelling in
every payload. A top-level payload names its schema and version
(``{"schema": "mesocalc.plan", "schema_version": 1, ...}``); see ADR 0007.

Reading is strict: every value is checked for its type and unit before the
class's own validators see it, and an error names the path of the value at
fault (``needle.length``, ``overrides[0].reason``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from mesocalc._engine import engine as _engine
from mesocalc._engine import numpy_binding as _numpy
from mesocalc._engine.numpy_binding import is_ndarray
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc._quantities.units import MAX_ELEMENTS, quantity
from mesocalc._records.structuring import SCHEMA_VERSION, Reader, old_units, version_of
from mesocalc.exceptions import InputTypeError, InvalidValueError, MesocalcError

if TYPE_CHECKING:
    import numpy as np
else:
    np = _numpy.NUMPY

__all__ = [
    "SCHEMA_VERSION",
    "arguments",
    "date",
    "dump",
    "flag",
    "load",
    "mapping",
    "moment",
    "name",
    "names",
    "number",
    "old_units",
    "one_of",
    "part",
    "parts",
    "payloads",
    "quantity_field",
    "quantity_of",
    "read_quantity",
    "rings",
    "skip",
    "structure",
    "text",
    "texts",
    "unit_repr",
    "unstructure",
    "value_of",
    "version_of",
    "whole",
]

_KEY: Final = "mesocalc"
T = TypeVar("T")
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


class _Part(_Kind):
    def __init__(self, classes: Callable[[], tuple[type, ...]], *, many: bool) -> None:
        self.classes = classes  # called on use: some parts load lazily
        self.many = many

    def _one(self, value: Any) -> Any:
        out = unstructure(value)
        if len(self.classes()) > 1:
            out = {"kind": type(value).__name__.lower(), **out}
        return out

    def encode(self, value: Any, obj: Any) -> Any:
        return [self._one(v) for v in value] if self.many else self._one(value)

    def _read(self, raw: Any, path: str) -> Any:
        classes = self.classes()
        if len(classes) == 1:
            return structure(classes[0], raw, path)
        kinds = {c.__name__.lower(): c for c in classes}
        if (
            not isinstance(raw, dict)
            or not isinstance(raw.get("kind"), str)
            or raw["kind"] not in kinds
        ):
            raise InvalidValueError(f"{path}.kind", raw, f"one of {', '.join(kinds)}")
        return structure(kinds[raw["kind"]], {k: v for k, v in raw.items() if k != "kind"}, path)

    def decode(self, raw: Any, path: str, data: Mapping[str, Any]) -> Any:
        if not self.many:
            return self._read(raw, path)
        if not isinstance(raw, list):
            raise InvalidValueError(path, raw, "a list")
        return tuple(self._read(item, f"{path}[{i}]") for i, item in enumerate(raw))


def part(classes: Callable[[], tuple[type, ...]], *, key: str | None = None) -> dict[str, Any]:
    """Metadata of a nested value object, of one of ``classes()`` (a ``kind`` key tells which)."""
    return _meta(_Part(classes, many=False), key)


def parts(classes: Callable[[], tuple[type, ...]], *, key: str | None = None) -> dict[str, Any]:
    """Metadata of a tuple of nested value objects."""
    return _meta(_Part(classes, many=True), key)


class _Payloads(_Kind):
    """A tuple of value objects written whole (with their schema) and read by their from_dict."""

    def __init__(self, cls: Callable[[], type]) -> None:
        self.cls = cls

    def encode(self, value: Any, obj: Any) -> Any:
        return [item.to_dict() for item in value]

    def decode(self, raw: Any, path: str, data: Mapping[str, Any]) -> Any:
        return self.read(raw, path, {})

    def read(self, raw: Any, path: str, context: Mapping[str, Any]) -> Any:
        """The value objects of ``raw``, each read by its from_dict with ``context``'s keywords."""
        if not isinstance(raw, list):
            raise InvalidValueError(path, raw, "a list")
        cls: Any = self.cls()
        out = []
        for i, item in enumerate(raw):
            try:
                out.append(cls.from_dict(item, **context))
            except MesocalcError as exc:
                where = f"{path}[{i}].{exc.parameter}"
                raise type(exc)(**{**exc._fields(), "parameter": where}) from None
        return tuple(out)


def payloads(cls: Callable[[], type], *, key: str | None = None) -> dict[str, Any]:
    """Metadata of a tuple of value objects that read themselves (``cls().from_dict``)."""
    return _meta(_Payloads(cls), key)


def one_of(*classes: type) -> Callable[[], tuple[type, ...]]:
    """``classes``, for :func:`part` when they are already imported."""
    return lambda: classes


def _fields(cls: type) -> list[tuple[attrs.Attribute[Any], _Kind, str]]:
    out = []
    for f in attrs.fields(cls):
        kind = f.metadata.get(_KEY)
        if kind is None:
            raise TypeError(f"{cls.__name__}.{f.name} has no codec metadata")
        out.append((f, kind, f.metadata[f"{_KEY}.key"] or f.name.lstrip("_")))
    return out


_FIELDS: Final[dict[type, list[tuple[attrs.Attribute[Any], _Kind, str]]]] = _engine.table(
    "codec.fields"
)


def _fields_of(cls: type) -> list[tuple[attrs.Attribute[Any], _Kind, str]]:
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = _fields(cls)
    return found


_KEYED: Final[dict[type, dict[str, str]]] = _engine.table("codec.keyed")


def value_of(obj: Any, key: str) -> Any:
    """The value of ``obj``'s field written under the JSON key ``key``, as the field holds it.

    A quantity field holds its magnitude in its parameter's canonical unit (ADR 0001):
    how other modules read a record's magnitudes (a plan's ``area``, ``depth``, ...)
    without naming its private fields.
    """
    names = _KEYED.get(type(obj))
    if names is None:
        names = _KEYED[type(obj)] = {k: f.name for f, _, k in _fields_of(type(obj))}
    return getattr(obj, names[key])


def unstructure(obj: Any) -> dict[str, Any]:
    """``obj``'s fields as plain JSON data; None values are left out."""
    out: dict[str, Any] = {}
    for f, kind, key in _fields_of(type(obj)):
        value = getattr(obj, f.name)
        if value is None or isinstance(kind, _Skip):
            continue
        out[key] = kind.encode(value, obj)
    unit_of = getattr(type(obj), "__codec_unit_of__", None)
    if unit_of is not None:  # magnitudes that share the unit of the parameter a field names
        out["unit"] = PARAMETERS[getattr(obj, unit_of)].json
    return out


def structure(
    cls: type[T], data: Any, path: str = "", context: Mapping[str, Any] | None = None
) -> T:
    """An instance of ``cls`` from :func:`unstructure` output, every value checked.

    ``context`` holds what the data does not (the catalog its plans are checked
    against): passed to the from_dict of every value object read whole, and given to
    the fields not written of its name.

    Raises:
        InputTypeError: ``data`` is not a dict.
        InvalidValueError: a value of the wrong type or unit, an unknown or missing key;
            the parameter is the path of the value at fault.
        MesocalcError: what the class's own validators raise.
    """
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise InputTypeError(path or "data", data, f"a dict from {cls.__name__}.to_dict()")
    kwargs, known = _decoded(cls, data, path, context or {})
    unit_of = getattr(cls, "__codec_unit_of__", None)
    if unit_of is not None:
        known.add("unit")
        _check_unit(data, unit_of, path)
    _JSON.keys(
        data,
        known | {"schema", "schema_version"},
        path,
        f"one of the keys {', '.join(sorted(known))}",
    )
    try:
        return cls(**kwargs)
    except MesocalcError as exc:  # the class's own validators: name the value by its path
        if not path:
            raise
        error = type(exc)(**{**exc._fields(), "parameter": f"{path}.{exc.parameter}"})
        raise error from None


def _at(path: str, key: str) -> str:
    """The path of ``key`` in the value at ``path`` (``""``: the top level)."""
    return f"{path}.{key}" if path else key


def _decoded(
    cls: type, data: dict[str, Any], path: str, context: Mapping[str, Any]
) -> tuple[dict[str, Any], set[str]]:
    """The arguments of ``cls`` that ``data`` (or ``context``) gives, and every key it may have."""
    kwargs: dict[str, Any] = {}
    known = set()
    for f, kind, key in _fields_of(cls):
        known.add(key)
        name = f.alias or f.name
        if isinstance(kind, _Skip):
            if name in context:
                kwargs[name] = context[name]
            continue
        where = _at(path, key)
        if key not in data or data[key] is None:
            if f.default is attrs.NOTHING:
                raise InvalidValueError(where, None, f"a value for {key}", "missing")
            continue
        if isinstance(kind, _Payloads) and context:
            kwargs[name] = kind.read(data[key], where, context)
            continue
        kwargs[name] = kind.decode(data[key], where, data)
    return kwargs, known


def _check_unit(data: dict[str, Any], unit_of: str, path: str) -> None:
    """The unit stored beside magnitudes must be that of the parameter field ``unit_of`` names."""
    p = PARAMETERS.get(str(data.get(unit_of)))
    if p is None or data.get("unit") != p.json:  # str() above: any stored value is hashable
        expected = "the unit of the parameter" if p is None else repr(p.json)
        raise InvalidValueError(_at(path, "unit"), data.get("unit"), expected)


def _shown(value: Any, kind: _Quantity, obj: Any) -> str:
    """A stored magnitude with its unit, as a repr shows it: ``'2.2 mm'``, or ``0.1``."""
    p = PARAMETERS[kind.parameter or obj.parameter]
    if kind.shown and p.per_shown != 1.0:
        value = value * p.per_shown  # the field holds shown-unit magnitudes already
    if not p.shown:
        return repr(value)  # a fraction: a plain number, as it is passed in
    return repr(p.show(value, digits=6))


def unit_repr(obj: Any) -> str:
    """An attrs-style repr whose magnitudes carry units: ``value='2.2 mm'``, not ``_value=2.2``.

    Fields are named as their JSON keys (the public names), quantities shown in the
    parameter table's unit to 6 significant digits, the way ``Needle`` and
    ``Syringe`` print themselves; equality and hashing are the class's own.
    """
    parts = []
    for f, kind, key in _fields_of(type(obj)):
        if not f.repr:
            continue
        value = getattr(obj, f.name)
        if isinstance(kind, _Quantity) and value is not None and not kind.arrays:
            parts.append(f"{key}={_shown(value, kind, obj)}")
        elif isinstance(kind, _OneOf) and value is not None:
            parts.append(f"{key}={kind.shown(value)}")
        else:
            parts.append(f"{key}={value!r}")
    return f"{type(obj).__name__}({', '.join(parts)})"


def dump(obj: Any, schema: str) -> dict[str, Any]:
    """A top-level payload: the schema's name and version, then ``obj``'s fields."""
    return {"schema": schema, "schema_version": SCHEMA_VERSION, **unstructure(obj)}


def load(cls: type[T], data: Any, schema: str, context: Mapping[str, Any] | None = None) -> T:
    """An instance of ``cls`` from a top-level payload of ``schema`` (any version read).

    ``context``: as :func:`structure` takes it.
    """
    return structure(cls, old_units(data, version_of(data, schema)), context=context)


def arguments(cls: type, data: Any, schema: str) -> dict[str, Any]:
    """The arguments of ``cls`` a top-level payload of ``schema`` gives, each read and checked.

    For a class that is also given what its payload holds whole and reads first (a
    treatment record's session): its skipped fields are the caller's to pass.
    """
    data = old_units(data, version_of(data, schema))
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise InputTypeError("data", data, f"a dict from {cls.__name__}.to_dict()")
    kwargs, known = _decoded(cls, data, "", {})
    _JSON.keys(
        data,
        known | {"schema", "schema_version"},
        "",
        f"one of the keys {', '.join(sorted(known))}",
    )
    return kwargs
