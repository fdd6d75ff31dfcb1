"""Reading one user input: its unit (via _units) and its domain (via the parameter table).

Catalog ranges are checked later, by the guardrails; these are the checks that
hold whatever the zone and technique, as :mod:`mesocalc._quantities.parameters` states them:
a length is positive and finite, an angle lies in (0, 90] degrees, a loss
fraction in [0, 1).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mesocalc._engine import numpy_binding as _numpy
from mesocalc._quantities.magnitudes import any_array, element, magnitudes
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc._quantities.units import magnitude
from mesocalc.exceptions import DomainError, InvalidValueError, MesocalcError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from mesocalc._quantities.arithmetic import Magnitudes
else:
    np = _numpy.NUMPY

__all__ = [
    "check",
    "domain_error",
    "first_index",
    "in_domain",
    "read",
    "read_array",
    "read_extremes",
]

_DOMAIN_SOURCE = "the parameter's domain"


def domain_error(value: Any, name: str, m: float, label: str | None = None) -> DomainError:
    """The error for ``value`` (magnitude ``m``), outside the domain of parameter ``name``."""
    domain = PARAMETERS[name].domain
    too_large = bool(m > domain.high) and bool(domain.too_large)
    too_small = domain.too_small_for(m) and bool(domain.too_small)
    expected = domain.too_large if too_large else domain.too_small if too_small else domain.words
    detail = "too large to be a plan" if too_large else ""
    return DomainError(
        label or name,
        value,
        expected,
        "too small to be a plan" if too_small else detail,
        allowed=expected,
        source=_DOMAIN_SOURCE,
    )


def check(m: float, value: Any, name: str, label: str | None = None) -> float:
    """``m`` (read from ``value``) if it lies in the domain of parameter ``name``.

    Raises:
        DomainError: it does not (an InvalidValueError and a HardLimitError).
    """
    if not PARAMETERS[name].domain.contains(m):
        raise domain_error(value, name, m, label)
    return m


def read(value: Any, name: str, *, label: str | None = None) -> float:
    """Convert ``value`` to a canonical magnitude of parameter ``name`` and check its domain.

    ``label`` is the name the caller knows the input by, when it differs (``"needle.length"``).

    Raises:
        DomainError: zero, negative, out of domain or absurdly large.
        UnitError, ParseError, InputTypeError: see :func:`mesocalc._quantities.units.magnitude`.
    """
    where = label or name
    return check(magnitude(value, where, PARAMETERS[name].dim), value, name, where)


def first_index(bad: Any) -> tuple[int, ...]:
    """The index of the first True in ``bad`` (which holds at least one)."""
    flat = int(np.flatnonzero(bad)[0])
    return tuple(int(i) for i in np.unravel_index(flat, np.shape(bad)))


def read_array(
    value: Any,
    name: str,
    *,
    each: Callable[[Any], float] | None = None,
    within: Callable[[Any], Any] | None = None,
) -> NDArray[np.float64]:
    """An array input as canonical magnitudes, every element in its domain.

    ``within`` is a further elementwise check (a catalog range) and ``each`` the
    scalar reader that applies it to one element (:func:`read` by default).

    The checks run on the minimum and maximum (NaN propagates into both), so a
    valid array costs two reductions; an invalid one is searched for its first
    offending element, which ``each`` then reads again so that the error is the
    one a scalar input would get, with its ``index``.

    Raises:
        MesocalcError: as :func:`read`, with ``index`` set where an element is at fault.
    """
    return _read_array(value, name, each, within)[0]


def _read_array(
    value: Any,
    name: str,
    each: Callable[[Any], float] | None = None,
    within: Callable[[Any], Any] | None = None,
) -> tuple[NDArray[np.float64], float, float]:
    """:func:`read_array`, with the least and the greatest magnitude it checked (NaN if none)."""
    if each is None:
        each = functools.partial(read, name=name)
    m = magnitudes(value, name, PARAMETERS[name].dim, each)
    domain = PARAMETERS[name].domain

    def ok(x: Any) -> Any:
        return domain.contains(x) if within is None else domain.contains(x) & within(x)

    if m.size == 0:
        return m, math.nan, math.nan
    low, high = float(m.min()), float(m.max())
    if ok(low) and ok(high):
        return m, low, high
    index = first_index(~ok(m))
    item = element(value, index)
    try:
        each(item)
    except MesocalcError as exc:
        raise exc.at(index) from None
    raise domain_error(item, name, float(m[index])).at(index)


def read_extremes(value: Any, name: str) -> tuple[Magnitudes, float, float]:
    """:func:`read` or :func:`read_array`, and the least and the greatest magnitude read.

    NaN for an array of no element. The array's own checks find them; the rules that
    only need bounds on every element take them from here rather than from passes of
    their own over the array.
    """
    if any_array(value):
        return _read_array(value, name)
    m = read(value, name)
    return m, m, m


class _InDomain:
    """attrs validator: None, or a magnitude in the domain of a parameter of the table."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, inst: Any, attr: Any, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidValueError(attr.alias or attr.name, value, "a number")
        check(value, value, self.name, attr.name.lstrip("_"))

    def __repr__(self) -> str:
        return f"<domain validator of {self.name}>"


def in_domain(name: str) -> _InDomain:
    """A validator for magnitudes of parameter ``name`` stored in a value object (None passes)."""
    return _InDomain(name)
