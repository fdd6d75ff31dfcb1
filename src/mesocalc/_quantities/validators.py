"""attrs validators for mesocalc's value objects.

Each public name is a small factory returning a private callable with a readable
repr, the way ``attrs.validators.instance_of`` does (plain slotted classes here,
which cost ``import mesocalc`` less than attrs classes). A failing check raises a
:class:`~mesocalc.MesocalcError` that names the field, the value and what was
expected, so a clinician reads the same message whichever object refused it.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from mesocalc._engine import numpy_binding as _numpy
from mesocalc.exceptions import InputTypeError, InvalidValueError

if TYPE_CHECKING:
    import numpy as np
else:
    np = _numpy.NUMPY


def _name(attr: attrs.Attribute[Any]) -> str:
    return attr.alias or attr.name


__all__ = [
    "FrozenMapping",
    "date",
    "days_by_name",
    "flag",
    "frozen_mapping",
    "frozen_on_load",
    "iso_date",
    "non_blank",
    "optional_non_blank",
    "storable",
    "strings",
    "text",
    "visible",
    "whole",
]

# Characters that show nothing: format characters (zero-width spaces and joiners,
# U+200B-U+200D and U+2060, bidi marks U+200E, U+200F, U+202A-U+202E and U+2066-U+2069,
# the byte-order mark U+FEFF), control characters and every kind of space.
_INVISIBLE = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp"})


def visible(text: str) -> bool:
    """Whether ``text`` has a character a reader sees: a reason of zero-width spaces is blank."""
    return any(unicodedata.category(c) not in _INVISIBLE for c in text)


def storable(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8: a lone surrogate (U+D800 alone) cannot."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_SURROGATE = "a lone surrogate, which no file, JSON or FHIR record can hold"


class FrozenMapping(Mapping[str, Any]):
    """A read-only mapping that hashes and pickles (a mappingproxy does neither)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMapping, (self._data,))


def iso_date(value: Any) -> Any:
    """Converter: an ISO date string becomes a ``datetime.date``; anything else is left."""
    if isinstance(value, str) and len(value) <= 10:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


class _Date:
    __slots__ = ("parameter",)

    def __init__(self, parameter: str) -> None:
        self.parameter = parameter

    def __call__(self, inst: Any, attr: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and type(value) is not datetime.date:
            raise InvalidValueError(
                _name(attr), value, "None, a datetime.date or an ISO date such as '2026-11-26'"
            )

    def __repr__(self) -> str:
        return "<date validator>"


def date() -> _Date:
    """None or a ``datetime.date`` (after :func:`iso_date` has read an ISO string)."""
    return _Date("date")


def frozen_mapping(value: Any) -> Any:
    """Converter: a mapping becomes a :class:`FrozenMapping`; anything else is left as it is."""
    return FrozenMapping(value) if isinstance(value, Mapping) else value


class _Flag:
    __slots__ = ()

    def __call__(self, inst: Any, attr: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, bool):
            raise InputTypeError(_name(attr), value, "True or False")

    def __repr__(self) -> str:
        return "<flag validator>"


def flag() -> _Flag:
    """A bool, and nothing that merely behaves like one (``0``, ``"no"``)."""
    return _Flag()


class _Whole:
    __slots__ = ("high", "low")

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high

    def __call__(self, inst: Any, attr: attrs.Attribute[Any], value: Any) -> None:
        expected = f"a whole number from {self.low} to {self.high}"
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputTypeError(_name(attr), value, expected)
        if not self.low <= value <= self.high:
            raise InvalidValueError(_name(attr), value, expected)

    def __repr__(self) -> str:
        return f"<whole validator for {self.low} to {self.high}>"


class _Text:
    __slots__ = ()

    def __call__(self, inst: Any, attr: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str):
            raise InputTypeError(_name(attr), value, "a string")
        if not storable(value):
            raise InvalidValueError(_name(attr), value, "a string", _SURROGATE)

    def __repr__(self) -> str:
        return "<text validator>"


def text() -> _Text:
    """A string, possibly empty."""
    return _Text()


def whole(low: int, high: int) -> _Whole:
    """An int (not a bool, not a float) in ``[low, high]``."""
    return _Whole(low, high)


class _NonBlank:
    __slots__ = ("optional",)

    def __init__(self, optional: bool) -> None:
        self.optional = optional

    def __call__(self, inst: Any, attr: attrs.Attribute[Any], value: Any) -> None:
        if value is None and self.optional:
            return
        expected = "a non-blank string" + (" or None" if self.optional else "")
        if not isinstance(value, str):
            raise InputTypeError(_name(attr), value, expected)
        if not visible(value):
            raise InvalidValueError(_name(attr), value, expected, "blank")
        if not storable(value):
            raise InvalidValueError(_name(attr), value, expected, _SURROGATE)

    def __repr__(self) -> str:
        return f"<non-blank validator{' (optional)' if self.optional else ''}>"


def non_blank() -> _NonBlank:
    """A string with at least one visible character."""
    return _NonBlank(False)


def optional_non_blank() -> _NonBlank:
    """None, or a string with at least one visible character."""
    return _NonBlank(True)


class _Strings:
    __slots__ = ()

    def __call__(self, inst: Any, attr: attrs.Attribute[Any], value: Any) -> None:
        expected = "a tuple of non-blank strings, such as ('lidocaine',)"
        if not isinstance(value, tuple):
            raise InputTypeError(_name(attr), value, expected)
        for item in value:
            if not isinstance(item, str) or not visible(item) or not storable(item):
                raise InvalidValueError(_name(attr), value, expected, f"{item!r} is not a name")

    def __repr__(self) -> str:
        return "<strings validator>"


def strings() -> _Strings:
    """A tuple of non-blank strings."""
    return _Strings()


# A software bound, not a clinical one: a last dose more than a century ago is a typo.
_MAX_DAYS = 36_500


class _DaysByName:
    __slots__ = ()

    def __call__(self, inst: Any, attr: attrs.Attribute[Any], value: Any) -> None:
        expected = "a mapping of names to days since the last dose, such as {'aspirin': 3}"
        if not isinstance(value, Mapping):
            raise InputTypeError(_name(attr), value, expected)
        for name, days in value.items():
            if not isinstance(name, str) or not visible(name) or not storable(name):
                raise InvalidValueError(_name(attr), name, expected, "a key is not a name")
            if isinstance(days, bool) or not isinstance(days, (int, float)):
                raise InputTypeError(f"{_name(attr)}[{name!r}]", days, "a number of days")
            if not 0 <= days <= _MAX_DAYS:  # NaN and 10**400 fail too, without a float
                raise InvalidValueError(
                    f"{_name(attr)}[{name!r}]", days, f"a number of days from 0 to {_MAX_DAYS}"
                )

    def __repr__(self) -> str:
        return "<days-by-name validator>"


def days_by_name() -> _DaysByName:
    """A mapping of non-blank names to finite, non-negative numbers of days."""
    return _DaysByName()


_C = TypeVar("_C", bound=type)


def frozen_on_load(cls: _C) -> _C:
    """Class decorator: arrays held by an attrs class are read-only again after unpickling.

    numpy pickles an array's values, not its flags, so an unpickled (or deep-copied) plan
    would hold writeable arrays; this wraps the class's ``__setstate__`` to freeze them.
    """
    restore = cls.__setstate__  # type: ignore[attr-defined]

    def setstate(self: Any, state: Any) -> None:
        restore(self, state)
        for field in attrs.fields(cls):
            value = getattr(self, field.name)
            if isinstance(value, np.ndarray):
                value.flags.writeable = False

    cls.__setstate__ = setstate  # type: ignore[attr-defined]
    return cls
