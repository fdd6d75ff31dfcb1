"""The twins of ``magnitude()``: arrays of values, and values of several dimensions.

:mod:`mesocalc._quantities.units` reads one value in one dimension (a string by its own parser, a
Quantity through pint). Here the same reading is applied to an array input, element by
element or with one multiplication, its errors naming the index; and to an input that
may be in any of several dimensions (a concentration by mass or in biological units).
Apart from the units module so that it holds the parser and the pint bridge only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from mesocalc._engine import numpy_binding as _numpy
from mesocalc._engine.numpy_binding import is_ndarray
from mesocalc._quantities.units import (
    BIOLOGICAL_DIMENSION,
    MAX_ELEMENTS,
    Dim,
    factor_of,
    is_quantity,
    magnitude,
    quantity_class,
    string_dim,
    too_many,
)
from mesocalc.exceptions import InputTypeError, MesocalcError, UnitError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
else:
    np = _numpy.NUMPY

__all__ = ["MAX_DIMS", "any_array", "element", "magnitude_in", "magnitudes"]


# Each dimension that magnitude_in() chooses between, as pint writes its dimensionality.
_DIMENSIONALITY: Final = {
    Dim.CONCENTRATION: {"[mass]": 1, "[length]": -3},
    Dim.BIOLOGICAL_CONCENTRATION: {BIOLOGICAL_DIMENSION: 1, "[length]": -3},
    Dim.MASS: {"[mass]": 1},
    Dim.BIOLOGICAL: {BIOLOGICAL_DIMENSION: 1},
}


def _which(value: Any, dims: tuple[Dim, ...]) -> Dim | None:
    """Which of ``dims`` the unit of ``value`` (a string or a Quantity) is in, if any."""
    if isinstance(value, str):
        found = string_dim(value)
        return found if found in dims else None
    if is_quantity(value):
        dimensionality = dict(value.dimensionality)
        return next((d for d in dims if _DIMENSIONALITY[d] == dimensionality), None)
    return None


def magnitude_in(value: Any, parameter: str, dims: tuple[Dim, ...]) -> tuple[float, Dim]:
    """:func:`magnitude` for an input that may be in any of ``dims``: its magnitude and dim.

    A concentration may be a mass per volume ("10 mg/mL") or biological units per volume
    ("20 U/mL"); an amount, a mass ("20 mg") or biological units ("100 U"). A Quantity in
    pint's enzyme unit (``U``, µmol/min) is refused: it is not a biological unit.

    Raises:
        UnitError, ParseError, InputTypeError: as :func:`magnitude`, expecting any of ``dims``.
    """
    expected = ", or ".join(d.expected for d in dims)
    dim = _which(value, dims)
    try:
        if dim is None and is_quantity(value) and "[substance]" in value.dimensionality:
            raise UnitError(
                parameter,
                value,
                expected,
                "pint's U is the enzyme unit (µmol/min), not a biological unit: "
                "give biological units as a string, such as '20 U/mL'",
            )
        return magnitude(value, parameter, dim or dims[0]), dim or dims[0]
    except MesocalcError as exc:
        raise type(exc)(**{**exc._fields(), "expected": expected}) from None


# The deepest nesting an array input may have: numpy's own limit is 32 (64 in numpy 2),
# and no plan needs more than a few.
MAX_DIMS: Final = 32


def any_array(*values: Any) -> bool:
    """Whether any of ``values`` is array-valued.

    Arrays are numpy arrays, lists and tuples (of strings, Quantities or, for a
    fraction, numbers) and Quantities whose magnitude is a numpy array.
    """
    cls = quantity_class()
    for value in values:
        kind = type(value)
        if value is None or kind is str or kind is float:
            continue
        if isinstance(value, (list, tuple)):
            return True
        if isinstance(value, cls) if cls is not None else is_quantity(value):
            if is_ndarray(value.magnitude):
                return True
        elif is_ndarray(value):
            return True
    return False


def element(value: Any, index: tuple[int, ...]) -> Any:
    """The element of an array input at ``index``, as the caller gave it.

    A numpy scalar becomes a Python one, inside a Quantity too, so that the element is shown
    as the same value given alone is (numpy 2 shows ``np.float64(0.0)``, which pint 0.26's
    repr of a Quantity passes on).
    """
    if isinstance(value, (list, tuple)):
        for i in index:
            value = value[i]
        return value
    item = value[index]  # a Quantity or a numpy array: the array inputs but lists and tuples
    if is_quantity(item) and isinstance(item.magnitude, np.generic):
        return type(item)(item.magnitude.item(), item.units)
    if isinstance(item, np.generic):
        return item.item()
    return item


def _object_array(value: Any, parameter: str, dim: Dim) -> NDArray[Any]:
    """A list, tuple or array of strings (or other scalars) as a numpy object array."""
    if isinstance(value, np.ndarray):
        return value
    if len(value) > MAX_ELEMENTS:
        raise too_many(parameter, value, dim, len(value))
    if not any(isinstance(v, (list, tuple, np.ndarray)) for v in value):
        return np.fromiter(value, dtype=object, count=len(value))
    depth, first = 1, value[0] if len(value) else None
    while isinstance(first, (list, tuple)) and depth <= MAX_DIMS:
        depth, first = depth + 1, first[0] if len(first) else None
    if isinstance(first, np.ndarray):
        depth += first.ndim
    if depth > MAX_DIMS:  # numpy refuses it with a RuntimeError, or recurses
        raise InputTypeError(
            parameter,
            value,
            f"{dim.expected}, or an array of them nested at most {MAX_DIMS} deep",
            "nested too deeply",
        )
    try:
        out = np.array(value, dtype=object)
    except (ValueError, RuntimeError, RecursionError):
        out = None
    if out is None or any(isinstance(v, (list, tuple, np.ndarray)) for v in out.flat):
        raise InputTypeError(
            parameter, value, f"{dim.expected}, or a rectangular array of them", "ragged nesting"
        ) from None
    return out


def magnitudes(
    value: Any, parameter: str, dim: Dim, each: Callable[[Any], float] | None = None
) -> NDArray[np.float64]:
    """The array twin of :func:`magnitude`: an array input as float64 in canonical units.

    A Quantity with an array magnitude is converted with one multiplication;
    strings and other elements are read one by one through ``each`` (by default
    :func:`magnitude`, whose parsing is cached; a caller passes a reader that also
    checks the domain, so that the first offending element is the one reported), and
    an error names its index.
    Finiteness is left to the caller's range check, which NaN and infinities fail.

    Raises:
        UnitError: an array of bare numbers where a unit is needed, or the wrong dimension.
        InvalidValueError: more than :data:`MAX_ELEMENTS` elements.
        ParseError, InputTypeError: as :func:`magnitude`, with ``index`` set.
    """
    if is_quantity(value):
        mag = value.magnitude
        if not isinstance(mag, np.ndarray) or mag.dtype.kind not in "iuf":
            raise InputTypeError(
                parameter, value, dim.expected, "the magnitude must be an array of real numbers"
            )
        if mag.size > MAX_ELEMENTS:
            raise too_many(parameter, value, dim, mag.size)
        factor = factor_of(value, parameter, dim)
        # On huge pages (see numpy_binding.empty); a subclass's own result is left to it.
        out = _numpy.empty(mag.shape, np.float64) if type(mag) is np.ndarray else None
        with np.errstate(over="ignore", invalid="ignore"):  # the range check catches inf
            found: NDArray[np.float64] = np.multiply(mag, factor, out=out, dtype=np.float64)
        return found
    if isinstance(value, np.ndarray) and value.dtype.kind in "iuf":
        if value.size > MAX_ELEMENTS:
            raise too_many(parameter, value, dim, value.size)
        if dim is Dim.FRACTION:
            return value.astype(np.float64)  # a copy: the plan must not share the caller's
        raise UnitError(
            parameter,
            value,
            dim.expected,
            f"an array of bare numbers has no unit; mesocalc never assumes {dim.symbol}",
        )
    items = _object_array(value, parameter, dim)
    if items.size > MAX_ELEMENTS:
        raise too_many(parameter, value, dim, items.size)
    flat = items.reshape(-1).tolist()
    out = np.empty(len(flat), dtype=np.float64)
    for i, item in enumerate(flat):
        try:
            out[i] = magnitude(item, parameter, dim) if each is None else each(item)
        except MesocalcError as exc:
            raise exc.at(tuple(int(j) for j in np.unravel_index(i, items.shape))) from None
    return out.reshape(items.shape)
