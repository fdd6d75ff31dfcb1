"""The errors mesocalc raises: one hierarchy under :class:`MesocalcError`.

Every error names the parameter at fault, the value it received and what was
expected, so that clinic software can show the message to a clinician as it is
and still read the parts from attributes. All errors pickle cleanly, so they
cross process pools unchanged.
"""

from __future__ import annotations

import reprlib
from collections.abc import Sequence
from typing import Any, Self

__all__ = [
    "CatalogError",
    "DomainError",
    "HardLimitError",
    "InputTypeError",
    "InvalidValueError",
    "LimitError",
    "MesocalcError",
    "MesocalcErrorGroup",
    "ParseError",
    "SoftLimitError",
    "UnitError",
    "UnknownNameError",
]


# reprlib stops at a fixed depth and length, so that a message always renders: a list
# nested 100,000 deep, or holding a million items, is summarised without recursion.
_BRIEF = reprlib.Repr()
_BRIEF.maxlevel, _BRIEF.maxstring, _BRIEF.maxother = 6, 1000, 1000
_BRIEF.maxlist = _BRIEF.maxtuple = _BRIEF.maxdict = _BRIEF.maxset = _BRIEF.maxfrozenset = 40


def _show(value: Any) -> str:
    """Show a received value briefly: long user strings are cut, not echoed whole."""
    try:
        text = _BRIEF.repr(value)
    except Exception:  # a hostile __repr__ must not hide the error itself
        text = f"<a {type(value).__name__}>"
    return text if len(text) <= 80 else text[:77] + "..."


def _rebuild(cls: type[MesocalcError], kwargs: dict[str, Any]) -> MesocalcError:
    return cls(**kwargs)


class MesocalcError(ValueError):
    """Base class of every error mesocalc raises on purpose.

    Attributes:
        parameter: the name of the input at fault, as the caller spelled it.
        value: the value received.
        expected: what would have been accepted, in words.
        detail: why the value was refused, when ``expected`` alone does not say.
        index: for an array input, the index of the first offending element (a
            tuple, as numpy indexes); None for a scalar input.
    """

    index: tuple[int, ...] | None = None

    def __init__(self, parameter: str, value: Any, expected: str, detail: str = "") -> None:
        self.parameter = parameter
        self.value = value
        self.expected = expected
        self.detail = detail
        super().__init__(parameter, value, expected, detail)

    def _fields(self) -> dict[str, Any]:
        return {
            "parameter": self.parameter,
            "value": self.value,
            "expected": self.expected,
            "detail": self.detail,
        }

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self._fields()), {"index": self.index})

    def at(self, index: tuple[int, ...]) -> Self:
        """The same error, for the element at ``index`` of an array input."""
        where = f"at index {tuple(int(i) for i in index)}"
        detail = f"{where}: {self.detail}" if self.detail else where
        error = type(self)(**{**self._fields(), "detail": detail})
        error.index = tuple(int(i) for i in index)
        return error

    def __str__(self) -> str:
        text = f"{self.parameter}: got {_show(self.value)}; expected {self.expected}"
        return f"{text} ({self.detail})" if self.detail else text


class InputTypeError(MesocalcError, TypeError):
    """An input of the wrong Python type (a list where a Quantity was expected)."""


class ParseError(MesocalcError):
    """A string that is not one number followed by one known unit."""


class UnitError(MesocalcError):
    """A value without a unit, or with a unit of the wrong dimension."""


class InvalidValueError(MesocalcError):
    """A value of the right kind outside its mathematical domain (negative, NaN, ...)."""


class UnknownNameError(MesocalcError):
    """An unknown technique, zone, lattice or other name from a closed set.

    Attributes:
        suggestions: the closest known names, best first (possibly empty).
    """

    def __init__(
        self,
        parameter: str,
        value: Any,
        expected: str,
        detail: str = "",
        *,
        suggestions: tuple[str, ...] = (),
    ) -> None:
        super().__init__(parameter, value, expected, detail)
        self.suggestions = suggestions

    def _fields(self) -> dict[str, Any]:
        return {**super()._fields(), "suggestions": self.suggestions}

    def __str__(self) -> str:
        text = super().__str__()
        if self.suggestions:
            text += f"; did you mean {' or '.join(repr(s) for s in self.suggestions)}?"
        return text


class CatalogError(MesocalcError):
    """A catalog (the shipped one or a clinic's protocol file) that fails validation."""


class LimitError(MesocalcError):
    """A plan parameter outside what the catalog allows for the zone and technique.

    Attributes:
        allowed: the allowed range, in words with its unit (e.g. ``"1 to 2 mm"``).
        source: the source key(s) of that range (e.g. ``"SEED3"``).
    """

    def __init__(
        self,
        parameter: str,
        value: Any,
        expected: str,
        detail: str = "",
        *,
        allowed: str = "",
        source: str = "",
    ) -> None:
        super().__init__(parameter, value, expected, detail)
        self.allowed = allowed
        self.source = source

    def _fields(self) -> dict[str, Any]:
        return {**super()._fields(), "allowed": self.allowed, "source": self.source}


class SoftLimitError(LimitError):
    """A departure from a recommended range; allowed only with a recorded override."""


class HardLimitError(LimitError):
    """A violation that no override allows (a technique not used in a zone, say)."""


class DomainError(InvalidValueError, HardLimitError):
    """A value outside its parameter's domain: a depth of 0 mm, an angle beyond 90°, a loss of 1.

    No plan has such a value, whatever the zone, so it is invalid (an
    :class:`InvalidValueError`) and no override passes it (a :class:`HardLimitError`).
    Every parameter's domain is stated once, in mesocalc's parameter table.
    """


class MesocalcErrorGroup(  # noqa: N818 -- named like ExceptionGroup, whose kind it is
    ExceptionGroup[MesocalcError], MesocalcError
):
    """Several inputs wrong at once (the areas of a session), each its own error.

    It is a :class:`MesocalcError`, so ``except MesocalcError`` catches it, and an
    :class:`ExceptionGroup`, so ``except*`` picks out one kind; ``exceptions``
    holds every error, each naming its input (``areas[1].depth``).
    """

    def __new__(cls, message: str, errors: Sequence[MesocalcError]) -> Self:
        """Make the group; ExceptionGroup builds itself in ``__new__``."""
        return super().__new__(cls, message, errors)

    def __init__(self, message: str, errors: Sequence[MesocalcError]) -> None:
        self.parameter = "areas"
        self.value = [error.parameter for error in errors]
        self.expected = "every one valid"
        self.detail = ""

    def derive(self, excs: Sequence[MesocalcError]) -> MesocalcErrorGroup:  # type: ignore[override]
        """Keep ``split`` and ``subgroup`` results a MesocalcErrorGroup."""
        return MesocalcErrorGroup(self.message, excs)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, list(self.exceptions)))

    def __str__(self) -> str:
        return ExceptionGroup.__str__(self)
