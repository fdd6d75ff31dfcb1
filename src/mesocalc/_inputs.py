"""Reading one user input: its unit (via _units) and its mathematical domain.

Catalog ranges are checked later, by the planner; these are the checks that hold
whatever the zone and technique: a length is positive and finite, an angle lies
in (0, 90] degrees, a loss fraction in [0, 1).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from mesocalc._units import SANE_MAX, Dim, element, magnitude, magnitudes
from mesocalc.exceptions import InvalidValueError, MesocalcError

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["check", "first_false", "read", "read_array"]

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
    return check(magnitude(value, parameter, dim), value, parameter, dim)


def check(m: float, value: Any, parameter: str, dim: Dim) -> float:
    """Check a canonical magnitude ``m`` (read from ``value``) against ``dim``'s domain."""
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


def _domain(m: Any, dim: Dim) -> Any:
    """Whether magnitudes lie in ``dim``'s domain (elementwise for arrays; NaN fails)."""
    if dim is Dim.ANGLE:
        return (m > 0) & (m <= 90)
    if dim is Dim.FRACTION:
        return (m >= 0) & (m < 1)
    return (m > 0) & (m <= SANE_MAX[dim])


def first_false(ok: NDArray[np.bool_]) -> tuple[int, ...]:
    """The index of the first False in ``ok`` (which holds at least one)."""
    return tuple(int(i) for i in np.unravel_index(int(np.argmin(ok)), ok.shape))


def read_array(
    value: Any,
    parameter: str,
    dim: Dim,
    *,
    each: Callable[[Any], float] | None = None,
    within: Callable[[Any], Any] | None = None,
) -> NDArray[np.float64]:
    """The array twin of :func:`read`: canonical magnitudes, every element in its domain.

    ``within`` is a further elementwise check (a catalog range) and ``each`` the
    scalar reader that applies it to one element (:func:`read` by default).

    The checks run on the minimum and maximum (NaN propagates into both), so a
    valid array costs two reductions; an invalid one is searched for its first
    offending element, which ``each`` then reads again so that the error is the
    one a scalar input would get, with its ``index``.

    Raises:
        MesocalcError: as :func:`read`, with ``index`` set where an element is at fault.
    """
    if each is None:
        each = functools.partial(read, parameter=parameter, dim=dim)
    m = magnitudes(value, parameter, dim, each)

    def ok(x: Any) -> Any:
        return _domain(x, dim) if within is None else _domain(x, dim) & within(x)

    if m.size == 0 or bool(ok(m.min()) and ok(m.max())):
        return m
    index = first_false(ok(m))
    try:
        each(element(value, index))
    except MesocalcError as exc:
        raise exc.at(index) from None
    raise InvalidValueError(parameter, element(value, index), dim.expected).at(index)
