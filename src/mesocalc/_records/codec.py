"""One codec for every value object: plain JSON data out, checked objects back in.

Each attrs field says how it is written through its metadata, made by the
factories here (``quantity("depth")``, ``name(Zone)``, ``part(Needle)``, ...; the
scalar kinds live in ``kinds`` and are re-exported here); the
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

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from mesocalc._engine import engine as _engine
from mesocalc._engine import numpy_binding as _numpy
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc._records.kinds import (
    _JSON,
    _KEY,
    _Kind,
    _meta,
    _Name,
    _Names,
    _OneOf,
    _Quantity,
    _Rings,
    _Skip,
    date,
    flag,
    mapping,
    moment,
    name,
    names,
    number,
    quantity_field,
    quantity_of,
    read_quantity,
    rings,
    skip,
    text,
    texts,
    whole,
)
from mesocalc._records.structuring import SCHEMA_VERSION, old_units, version_of
from mesocalc.exceptions import InputTypeError, InvalidValueError, MesocalcError

if TYPE_CHECKING:
    import numpy as np
else:
    np = _numpy.NUMPY

__all__ = [
    "SCHEMA_VERSION",
    "_Name",
    "_Names",
    "_OneOf",
    "_Quantity",
    "_Rings",
    "_Skip",
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

T = TypeVar("T")


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
