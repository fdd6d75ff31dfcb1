"""Reading one user input: its unit (via _units) and its mathematical domain.

Catalog ranges are checked later, by the planner; these are the checks that hold
whatever the zone and technique: a length is positive and finite, an angle lies
in (0, 90] degrees, a loss fraction in [0, 1).
"""

from __future__ import annotations

from typing import Any, Final

from mesocalc._units import SANE_MAX, Dim, magnitude
from mesocalc.exceptions import InvalidValueError

__all__ = ["read"]

_SANE_WORDS: Final = {
    Dim.LENGTH: "at most 10 m",
    Dim.AREA: "at most 100 m²",
    Dim.VOLUME: "at most 10 L",
}


def read(value: Any, parameter: str, dim: Dim) -> float:
    """Convert ``value`` to a canonical magnitude and check its domain.

    Raises:
        InvalidValueError: zero, negative, out of domain or absurdly large.
        UnitError, ParseError, InputTypeError: see :func:`mesocalc._units.magnitude`.
    """
    m = magnitude(value, parameter, dim)
    if dim is Dim.ANGLE:
        if not 0 < m <= 90:
            raise InvalidValueError(parameter, value, "an angle in (0, 90] degrees")
    elif dim is Dim.FRACTION:
        if not 0 <= m < 1:
            raise InvalidValueError(parameter, value, "a fraction in [0, 1), such as 0.5")
    elif m <= 0:
        raise InvalidValueError(parameter, value, f"{dim.expected}, greater than zero")
    elif m > SANE_MAX[dim]:
        raise InvalidValueError(
            parameter, value, f"{dim.expected}, {_SANE_WORDS[dim]}", "too large to be a plan"
        )
    return m
