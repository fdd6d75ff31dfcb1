"""The one structuring layer of untrusted data, and the migrations of stored JSON.

Every reader of parsed data that a user can write goes through :class:`Reader`: the
codec reading stored JSON back (``_codec``), the catalog's and a protocol's TOML
(``_catalog_reader``, ``_protocol``), the screening rules (``_screening_rules``) and the
command line's session file (``_cli_files``). Each check refuses a value of the wrong type
before anything hashes it, converts it or compares it, so a list where a unit belongs or a
number of 400 digits is a MesocalcError naming the key path, never a TypeError or an
OverflowError. docs/adr/0011-structuring.md says why this is mesocalc's own code rather
than cattrs, msgspec or pydantic.

Stored payloads of older schema versions are brought to today's units here as well
(:func:`version_of`, :func:`old_units`), before the codec reads them.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Collection, Iterable, Mapping
from typing import Any, Final, TypeVar

from mesocalc._quantities.units import UNITS, Dim
from mesocalc._quantities.validators import visible
from mesocalc.exceptions import InputTypeError, InvalidValueError, MesocalcError

__all__ = ["SCHEMA_VERSION", "Reader", "old_units", "version_of"]

E = TypeVar("E", bound=enum.Enum)

# The schema version this mesocalc writes; it reads every earlier one.
SCHEMA_VERSION: Final = 2


class Reader:
    """Typed reads of parsed TOML or JSON; a fault is ``error``, naming the key path.

    ``origin`` (a file's name) heads every path: ``"clinic.toml: zones.face.depth_cap"``.
    An unknown key is named, like any fault, by the path of the table that holds it with
    the key as the value (``keys_in_table``, as the catalog's files report it), or by the
    key's own path with its value (as stored JSON reports it).
    """

    def __init__(
        self,
        error: type[MesocalcError] = InvalidValueError,
        origin: str = "",
        *,
        keys_in_table: bool = True,
    ) -> None:
        self.error = error
        self.origin = origin
        self.keys_in_table = keys_in_table

    def fail(self, where: str, value: Any, expected: str, detail: str = "") -> MesocalcError:
        """The error for the value at ``where``."""
        return self.error(
            f"{self.origin}: {where}" if self.origin else where, value, expected, detail
        )

    def table(self, doc: Any, where: str, expected: str = "a table") -> dict[str, Any]:
        """``doc`` if it is a table (a dict of string keys)."""
        if not isinstance(doc, dict) or not all(isinstance(k, str) for k in doc):
            raise self.fail(where, doc, expected)
        return doc

    def keys(
        self, doc: Mapping[str, Any], allowed: Collection[str], where: str, expected: str = ""
    ) -> None:
        """Refuse a key of ``doc`` not in ``allowed``, naming the nearest known key."""
        extra = sorted(set(doc) - set(allowed))
        if not extra:
            return
        key = extra[0]
        expected = expected or f"one of the keys {', '.join(sorted(allowed))}"
        near = _nearest(key, allowed)
        detail = f"did you mean {near!r}?" if near else ""
        if self.keys_in_table:
            raise self.fail(where, key, expected, detail)
        raise self.fail(f"{where}.{key}" if where else key, doc[key], expected, detail)

    def number(
        self, raw: Any, where: str, expected: str = "a number", *, finite: bool = True
    ) -> float:
        """``raw`` as a float: an int or float, not a bool, below 1e308 (and finite)."""
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise self.fail(where, raw, expected)
        try:
            value = float(raw)
        except OverflowError:  # an int too large for a float
            raise self.fail(where, raw, f"{expected} below 1e308") from None
        if finite and not math.isfinite(value):
            raise self.fail(where, raw, f"a finite {expected.removeprefix('a ')}")
        return value

    def optional_number(self, doc: Mapping[str, Any], key: str, where: str) -> float | None:
        """The number ``doc[key]``, or None when ``doc`` has no such key."""
        value = doc.get(key)
        return None if value is None else self.number(value, f"{where}.{key}")

    def whole(self, raw: Any, where: str, expected: str = "an integer") -> int:
        """``raw`` if it is an int (not a bool)."""
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise self.fail(where, raw, expected)
        return raw

    def text(self, raw: Any, where: str, expected: str = "a string", *, blank: bool = True) -> str:
        """``raw`` if it is a string (with ``blank=False``, one with a visible character)."""
        if not isinstance(raw, str) or not (blank or visible(raw)):
            raise self.fail(where, raw, expected)
        return raw

    def flag(self, raw: Any, where: str, expected: str = "true or false") -> bool:
        """``raw`` if it is a bool."""
        if not isinstance(raw, bool):
            raise self.fail(where, raw, expected)
        return raw

    def texts(self, raw: Any, where: str, expected: str = "a list of strings") -> tuple[str, ...]:
        """``raw`` if it is a list of strings, as a tuple."""
        if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
            raise self.fail(where, raw, expected)
        return tuple(raw)

    def member(self, kind: type[E], raw: Any, where: str, expected: str = "") -> E:
        """The member of the closed set ``kind`` that ``raw`` names."""
        try:
            return kind(raw)
        except (ValueError, TypeError):  # TypeError: a _missing_ given an unhashable value
            names = ", ".join(repr(m.value) for m in kind)
            raise self.fail(where, raw, expected or f"one of {names}") from None

    def choice(self, raw: Any, allowed: Collection[str], where: str, expected: str) -> str:
        """``raw`` if it is one of the strings ``allowed``."""
        if not isinstance(raw, str) or raw not in allowed:
            raise self.fail(where, raw, expected)
        return raw

    def unit(self, raw: Any, dim: Dim, where: str, expected: str) -> float:
        """The factor to the canonical unit of ``dim`` of the unit named ``raw``."""
        found = UNITS.get(raw) if isinstance(raw, str) else None
        if found is None or found[0] is not dim:
            raise self.fail(where, raw, expected)
        return found[1]

    def sources(
        self, raw: Any, known: Collection[str], where: str, expected: str, *, one: bool = False
    ) -> tuple[str, ...]:
        """A non-empty list of keys of ``known`` (with ``one``: a single key, or an empty list)."""
        if one and isinstance(raw, str):
            raw = [raw]
        if (
            not isinstance(raw, list)
            or not (raw or one)
            or not all(isinstance(k, str) and k in known for k in raw)
        ):
            raise self.fail(where, raw, expected)
        return tuple(raw)


def _nearest(key: str, known: Iterable[str]) -> str | None:
    """The known key ``key`` most likely misspells, if one is close."""
    import difflib  # noqa: PLC0415 - only for a misspelt key (start-up)

    found = difflib.get_close_matches(key, sorted(known), n=1)
    return found[0] if found else None


# --- stored JSON of earlier schema versions ---------------------------------------------------


def version_of(data: Any, schema: str) -> int:
    """The schema version of a payload: 0 for one written before versions (mesocalc 0.1.0).

    Raises:
        InputTypeError: not a dict.
        InvalidValueError: another schema, or a version this mesocalc cannot read.
    """
    if not isinstance(data, dict):
        raise InputTypeError("data", data, f"a dict from to_dict() ({schema})")
    if "schema" not in data:
        return 0
    if not isinstance(data["schema"], str) or data["schema"] != schema:
        raise InvalidValueError("schema", data["schema"], repr(schema))
    version = data.get("schema_version")
    if type(version) is not int or not 1 <= version <= SCHEMA_VERSION:
        raise InvalidValueError("schema_version", version, f"a version from 1 to {SCHEMA_VERSION}")
    return version


# Units that older payloads spelt, or stored in, otherwise: (today's code, factor to it).
# mesocalc 0.1.0 wrote "mm^2" and "" (version 0); version 1 stored areas in mm2.
_OLD_UNITS: Final = {
    0: {"mm^2": ("cm2", 0.01), "mm2": ("cm2", 0.01), "": ("1", 1.0)},
    1: {"mm2": ("cm2", 0.01)},
}


def old_units(data: Any, version: int) -> Any:
    """``data``, a payload of schema version ``version``, with its quantities in today's units."""
    table = _OLD_UNITS.get(version)
    if not table:
        return data
    return _convert(data, table)


# Nesting deeper than any payload has (a course's plans over arrays of MAX_DIMS dimensions
# are under 50 levels deep): a bound, so that a hostile payload cannot exhaust the stack.
_MAX_NESTING: Final = 100


def _too_deep(data: Any) -> InvalidValueError:
    return InvalidValueError(
        "data", data, f"a payload from to_dict(), nested at most {_MAX_NESTING} levels deep"
    )


def _convert(data: Any, table: Mapping[str, tuple[str, float]], depth: int = 0) -> Any:
    if depth > _MAX_NESTING:
        raise _too_deep(data)
    if isinstance(data, list):
        return [_convert(item, table, depth + 1) for item in data]
    if not isinstance(data, dict):
        return data
    unit = data.get("unit")
    if set(data) == {"value", "unit"} and isinstance(unit, str) and unit in table:
        code, factor = table[unit]
        return {"value": _scaled(data["value"], factor, depth), "unit": code}
    return {k: _convert(v, table, depth + 1) for k, v in data.items()}


def _scaled(value: Any, factor: float, depth: int) -> Any:
    """A stored number (or nested list of them) times ``factor``; anything else as it was."""
    if factor == 1.0:
        return value
    if depth > _MAX_NESTING:
        raise _too_deep(value)
    if isinstance(value, list):
        return [_scaled(v, factor, depth + 1) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return value * factor
        except OverflowError:  # an int too large for a float: the reader refuses it
            return value
    return value  # the reader names what is wrong with it
