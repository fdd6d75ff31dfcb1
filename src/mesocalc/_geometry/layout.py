"""Exact injection layouts: the lattice points that fit inside a shape, a margin from its edge.

Where the lattice sits: it is centred in the shape's bounding box. Along each
axis, the n = floor(extent / spacing) points that fit in the box are spread
symmetrically about its centre (a point at the centre when n is odd, or when the
shape is narrower than one spacing; two points half a spacing either side of it
when n is even). So a shape moved in the plane carries its lattice with it (the
layout does not depend on where the shape sits, beyond floating-point ties on the
outline), and a rectangle whose sides are whole multiples of the spacing gets one
point in the middle of each cell, half a spacing in from its edges: exactly
area / spacing² points. On the hexagonal lattice rows are (√3/2)·spacing apart
and every other row is shifted by half a spacing. The margin erodes the shape and
never moves the lattice, so a larger margin only ever removes points.

Everything is vectorised: candidates come from numpy, the inside test is
shapely's ``intersects_xy`` on a prepared polygon, in blocks of about a million
candidates so that memory stays bounded. More than 10^7 candidates is refused.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np

from mesocalc._geometry.plot import plot_layout
from mesocalc._geometry.shapes import FROM_GEOMETRY, Shape, is_geometry, polygon_of, shapely_module
from mesocalc._quantities import validators as _validators
from mesocalc._quantities.inputs import read
from mesocalc._quantities.names import Lattice, resolve
from mesocalc._quantities.units import quantity
from mesocalc.exceptions import InputTypeError, InvalidValueError

if TYPE_CHECKING:
    from mesocalc.typing import Quantity

__all__ = ["MAX_CANDIDATES", "Layout", "lattice_points", "layout", "read_margin", "read_shape"]

# A software bound, not a clinical one: 10^7 candidates is 10 m x 10 m at 3 mm, or a
# 3 m square at 1 mm; anything denser is a typing error that would eat memory.
MAX_CANDIDATES: Final = 10_000_000
_BLOCK: Final = 1 << 20
_HEX_ROW: Final = math.sqrt(3.0) / 2.0
# shapely draws the rounded corners of an eroded outline with this many segments per
# quarter circle; points near those corners are then checked by exact distance.
_QUAD_SEGS: Final = 16

Array = np.ndarray[Any, Any]


def read_shape(value: Any, parameter: str = "shape") -> Shape:
    """Check that ``value`` is a mesocalc shape."""
    if not isinstance(value, Shape):
        detail = f"got a {type(value).__name__}"
        if is_geometry(value):
            detail += f", whose coordinates have no unit; make it a shape: {FROM_GEOMETRY}"
        raise InputTypeError(
            parameter, value, "a mesocalc shape: Rectangle, Circle, Ellipse or Polygon", detail
        )
    return value


def read_margin(value: Any) -> float:
    """A margin in mm: zero or more, finite, at most 10 m."""
    return read(value, "margin")


def _shift(extent: float, step: float) -> float:
    """0 or 0.5: centres the floor(extent / step) points that fit in ``extent``."""
    fits = math.floor(extent / step * (1.0 + 1e-9))
    return 0.5 if fits > 0 and fits % 2 == 0 else 0.0


def _axis(low: float, high: float, centre: float, step: float, shift: float) -> tuple[int, int]:
    """First and last k with centre + (k + shift)·step within [low, high], one spare each end."""
    first = math.floor((low - centre) / step - shift) - 1
    last = math.ceil((high - centre) / step - shift) + 1
    return first, max(first, last)


def _too_dense(parameter: str, spacing: float, bounds: Any, candidates: str) -> None:
    xmin, ymin, xmax, ymax = bounds
    fewest = math.sqrt((xmax - xmin) * (ymax - ymin) / MAX_CANDIDATES)
    raise InvalidValueError(
        parameter,
        quantity(spacing, "millimeter"),
        f"a lattice spacing of at least {fewest:.3g} mm for this shape",
        f"{candidates} candidate lattice points; at most {MAX_CANDIDATES:.0e}",
    )


def lattice_points(
    poly: Any, spacing: float, lattice: Lattice, margin: float, *, parameter: str = "spacing"
) -> tuple[Array, Array]:
    """Lattice points of ``poly`` at least ``margin`` from its edge: (N, 2) mm and (N, 2) indices.

    The lattice is centred in ``poly``'s bounding box (see the module doc).
    """
    shapely = shapely_module()
    xmin, ymin, xmax, ymax = poly.bounds
    cx, cy = (xmin + xmax) / 2.0, (ymin + ymax) / 2.0
    row = spacing * (_HEX_ROW if lattice is Lattice.HEX else 1.0)
    # In floats first: a spacing near 1e-320 mm would overflow the integer arithmetic below.
    if not ((xmax - xmin) / spacing + 4.0) * ((ymax - ymin) / row + 3.0) <= 4 * MAX_CANDIDATES:
        _too_dense(parameter, spacing, poly.bounds, "far more than 1e7")
    xshift, yshift = _shift(xmax - xmin, spacing), _shift(ymax - ymin, row)
    c0, c1 = _axis(xmin + margin, xmax - margin, cx, spacing, xshift)
    r0, r1 = _axis(ymin + margin, ymax - margin, cy, row, yshift)
    c1 += lattice is Lattice.HEX  # room for the shifted rows
    candidates = (c1 - c0 + 1) * (r1 - r0 + 1)
    if candidates > MAX_CANDIDATES:
        _too_dense(parameter, spacing, poly.bounds, f"{candidates:.3g}")
    cols, rows = np.arange(c0, c1 + 1), np.arange(r0, r1 + 1)
    extent = max(xmax - xmin, ymax - ymin, 1.0)
    tol = 1e-9 * extent
    # With the same tolerance as the distances below: a margin one ulp beyond half the
    # width still keeps the centre point, which lies half the width from the edge.
    if margin - tol > (xmax - xmin) / 2.0 or margin - tol > (ymax - ymin) / 2.0:
        return np.empty((0, 2)), np.empty((0, 2), dtype=np.int64)
    outer, sure = poly, None
    if margin > 0:
        # Eroding by a little less than the margin gives a region that holds every point
        # far enough from the edge (and some that are not); eroding by more than the
        # margin gives one whose points all are. Points in between are settled by exact
        # distance to the outline. The slack is 0.1 % of the margin, not a rounding
        # error's worth, because GEOS drops an erosion that shrinks to nearly nothing.
        outer = poly.buffer(-(margin * (1 - 1e-3) - tol), quad_segs=_QUAD_SEGS)
        deeper = margin / math.cos(math.pi / (4 * _QUAD_SEGS)) + tol
        sure = poly.buffer(-deeper, quad_segs=_QUAD_SEGS)
        shapely.prepare(outer)
        shapely.prepare(sure)
    boundary = poly.boundary
    per_block = max(1, _BLOCK // cols.size)
    xy_parts, ij_parts = [], []
    for start in range(0, rows.size, per_block):
        r = rows[start : start + per_block]
        ii = np.tile(cols, r.size)
        jj = np.repeat(r, cols.size)
        shift = xshift + 0.5 * (jj % 2) if lattice is Lattice.HEX else xshift
        x = cx + (ii + shift) * spacing
        y = cy + (jj + yshift) * row
        keep = shapely.intersects_xy(outer, x, y)
        if sure is not None and keep.any():
            unsure = keep & ~shapely.intersects_xy(sure, x, y)
            if unsure.any():
                idx = np.flatnonzero(unsure)
                far = shapely.distance(boundary, shapely.points(x[idx], y[idx])) >= margin - tol
                keep[idx[~far]] = False
        xy_parts.append(np.column_stack((x[keep], y[keep])))
        ij_parts.append(np.column_stack((ii[keep], jj[keep])))
    return np.concatenate(xy_parts), np.concatenate(ij_parts)


def _frozen(array: Array) -> Array:
    array.flags.writeable = False
    return array


@_validators.frozen_on_load
@attrs.frozen(kw_only=True, eq=False)
class Layout:
    """The injection points of one shape: a lattice clipped to the shape less a margin.

    ``points`` is an (N, 2) length Quantity array in mm and ``len(layout)`` is N.
    ``indices`` gives each point's (column, row) on the lattice.
    """

    shape: Shape
    lattice: Lattice
    _spacing: float = attrs.field(alias="spacing_mm")
    _margin: float = attrs.field(alias="margin_mm")
    _xy: Array = attrs.field(alias="xy_mm", converter=_frozen, repr=False)
    _ij: Array = attrs.field(alias="indices", converter=_frozen, repr=False)

    @property
    def points(self) -> Quantity:
        """The points as an (N, 2) array of (x, y), in mm."""
        return quantity(self._xy, "millimeter")

    @property
    def indices(self) -> Array:
        """Each point's integer (column, row) on the lattice, as an (N, 2) array."""
        return self._ij

    @property
    def spacing(self) -> Quantity:
        """Distance between neighbouring points, in mm."""
        return quantity(self._spacing, "millimeter")

    @property
    def margin(self) -> Quantity:
        """Least distance from a point to the shape's edge, in mm."""
        return quantity(self._margin, "millimeter")

    def __len__(self) -> int:
        return int(self._xy.shape[0])

    def __repr__(self) -> str:
        return (
            f"<Layout of {len(self)} points on a {self.lattice.value} lattice at "
            f"{self._spacing:.4g} mm, margin {self._margin:.4g} mm, in {self.shape!r}>"
        )

    def plot(self, ax: Any = None, *, title: str | None = None) -> Any:
        """Draw the outline and the points with matplotlib; returns the Axes.

        Needs the optional extra ``mesocalc[plot]``. A new figure is made unless
        ``ax`` is given.
        """
        return plot_layout(self, ax, title=title)


def layout(
    shape: Shape, spacing: Any, *, lattice: Lattice | str = "square", margin: Any = "0 mm"
) -> Layout:
    """The lattice points that lie inside ``shape`` and at least ``margin`` from its edge.

    The lattice is centred in the shape's bounding box (the points that fit along
    each axis are spread symmetrically about its centre): the layout moves with the
    shape, and a rectangle whose sides are multiples of the spacing holds exactly
    area / spacing² points, half a spacing in from its edges. A point exactly
    ``margin`` from the edge is kept (distances are compared with a relative
    tolerance of 1e-9).

    Args:
        shape: a :class:`Rectangle`, :class:`Circle`, :class:`Ellipse` or :class:`Polygon`.
        spacing: distance between neighbouring points, e.g. "7.5 mm".
        lattice: "square" or "hex".
        margin: least distance from a point to the edge, e.g. "5 mm"; 0 by default.

    Returns:
        A :class:`Layout`; it may hold no points when the margin leaves no room.

    Raises:
        InvalidValueError: a non-positive spacing, a negative margin, or more than 10^7
            candidate lattice points (refused rather than allowed to eat memory).
        MesocalcError: any other bad input, naming the parameter.

    Examples:
        >>> import mesocalc
        >>> lay = mesocalc.layout(mesocalc.Rectangle("3 cm", "2 cm"), "1 cm")
        >>> len(lay)
        6
        >>> print(lay.points[0])
        [-10.0 -5.0] millimeter
        >>> len(mesocalc.layout(mesocalc.Circle("2 cm"), "5 mm", lattice="hex", margin="3 mm"))
        37
    """
    where = read_shape(shape)
    grid = resolve(Lattice, lattice, "lattice")
    s = read(spacing, "spacing")
    m = read_margin(margin)
    xy, ij = lattice_points(polygon_of(where), s, grid, m)
    return Layout(shape=where, lattice=grid, spacing_mm=s, margin_mm=m, xy_mm=xy, indices=ij)
