"""Retrograde (linear) threads laid inside a shape: parallel rows, crosshatch or fans.

A thread is one pass of the needle: inserted its whole length, then withdrawn
while the product is laid down (seed 003; MICHEELS16: the whole 13 mm shaft is
inserted). So no thread is longer than ``thread_length``.

* parallel: rows ``spacing`` apart, placed like the rows of the square point
  lattice (centred in the shape's bounding box, see :mod:`mesocalc._geometry.layout`);
  each row's run inside the shape is cut into the fewest equal threads no longer
  than ``thread_length``.
* crosshatch: the same rows plus columns ``spacing`` apart (the "grid" variant
  of MESO-ES), so twice the thread length over the same area.
* fan ("radial", MESO-ES; threads laid from one entry point without leaving the
  skin, EMASTR): entry points on a hexagonal lattice √3·thread_length apart, so
  that each entry point's hexagonal cell has a circumradius of one thread length;
  from each entry point threads radiate to the edge of its cell (clipped to the
  shape), their tips about ``spacing`` apart. That lattice is geometry, not a
  clinical figure. Cells whose entry point falls outside the shape (less the
  margin) get no threads, so a fan layout leaves the shape's rim partly uncovered.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np

from mesocalc._geometry.layout import _shift, lattice_points, read_margin, read_shape
from mesocalc._geometry.plot import plot_threads
from mesocalc._geometry.shapes import Shape, polygon_of, shapely_module
from mesocalc._quantities import validators as _validators
from mesocalc._quantities.inputs import read
from mesocalc._quantities.names import Lattice, Pattern, resolve
from mesocalc._quantities.units import quantity
from mesocalc.exceptions import InvalidValueError

if TYPE_CHECKING:
    from mesocalc.typing import Quantity

__all__ = ["Threads", "lay_threads", "threads"]

Array = np.ndarray[Any, Any]

# Software bounds that keep any input finite in time and memory (not clinical limits).
_MAX_LINES: Final = 100_000
_MAX_THREADS: Final = 10_000_000
_MAX_RAYS: Final = 200_000
_QUAD_SEGS: Final = 16


def _frozen(array: Array) -> Array:
    array.flags.writeable = False
    return array


@_validators.frozen_on_load
@attrs.frozen(kw_only=True, eq=False)
class Threads:
    """Retrograde threads inside a shape: each a segment no longer than ``thread_length``.

    ``segments`` is an (M, 2, 2) length Quantity array of (start, end) points in mm,
    ``len(threads)`` is M (one needle pass each) and ``entries`` are the points
    where the needle goes in (one per thread, fewer for fans).
    """

    shape: Shape
    pattern: Pattern
    _spacing: float = attrs.field(alias="spacing_mm")
    _margin: float = attrs.field(alias="margin_mm")
    _thread_length: float = attrs.field(alias="thread_length_mm")
    _segments: Array = attrs.field(alias="segments_mm", converter=_frozen, repr=False)
    _entries: Array = attrs.field(alias="entries_mm", converter=_frozen, repr=False)

    @property
    def segments(self) -> Quantity:
        """Each thread's (start, end) points as an (M, 2, 2) array, in mm."""
        return quantity(self._segments, "millimeter")

    @property
    def entries(self) -> Quantity:
        """Where the needle enters the skin, as an (K, 2) array in mm."""
        return quantity(self._entries, "millimeter")

    @property
    def lengths(self) -> Quantity:
        """Each thread's length, in mm."""
        return quantity(self._lengths(), "millimeter")

    @property
    def total_length(self) -> Quantity:
        """Sum of the threads' lengths, in mm."""
        return quantity(self.total_length_mm, "millimeter")

    @property
    def total_length_mm(self) -> float:
        """Sum of the threads' lengths as a float in mm (for arithmetic inside mesocalc)."""
        return float(self._lengths().sum())

    @property
    def spacing(self) -> Quantity:
        """Distance between neighbouring threads (between tips, for fans), in mm."""
        return quantity(self._spacing, "millimeter")

    @property
    def thread_length(self) -> Quantity:
        """The longest a thread may be, the inserted needle length, in mm."""
        return quantity(self._thread_length, "millimeter")

    @property
    def margin(self) -> Quantity:
        """Least distance from a thread to the shape's edge, in mm."""
        return quantity(self._margin, "millimeter")

    def _lengths(self) -> Array:
        d = self._segments[:, 1, :] - self._segments[:, 0, :]
        lengths: Array = np.hypot(d[:, 0], d[:, 1])
        return lengths

    def __len__(self) -> int:
        return int(self._segments.shape[0])

    def __repr__(self) -> str:
        return (
            f"<Threads: {len(self)} {self.pattern.value} threads, "
            f"{self.total_length_mm:.4g} mm in all, at most {self._thread_length:.4g} mm each, "
            f"in {self.shape!r}>"
        )

    def plot(self, ax: Any = None, *, title: str | None = None) -> Any:
        """Draw the outline, the threads and their entry points; returns the Axes."""
        return plot_threads(self, ax, title=title)


def _eroded(poly: Any, margin: float) -> Any:
    shapely = shapely_module()
    # A hair less than the margin, so that a row exactly one margin in is kept.
    slack = 1e-9 * max(margin, 1.0)
    inner = poly.buffer(-(margin - slack), quad_segs=_QUAD_SEGS) if margin > 0 else poly
    shapely.prepare(inner)
    return inner


def _runs(poly: Any, inner: Any, spacing: float, *, vertical: bool) -> Array:
    """Runs of rows (or columns) inside ``inner``: (R, 2, 2) start/end points."""
    shapely = shapely_module()
    xmin, ymin, xmax, ymax = poly.bounds
    if vertical:  # columns are rows of the shape mirrored about the diagonal
        xmin, ymin, xmax, ymax = ymin, xmin, ymax, xmax
    centre = (ymin + ymax) / 2.0
    rows = (ymax - ymin) / spacing + 3.0  # in floats first: a tiny spacing overflows integers
    if rows <= 2 * _MAX_LINES:
        shift = _shift(ymax - ymin, spacing)
        first = math.floor((ymin - centre) / spacing - shift) - 1
        last = math.ceil((ymax - centre) / spacing - shift) + 1
        rows = last - first
    if rows > _MAX_LINES:
        raise InvalidValueError(
            "spacing",
            quantity(spacing, "millimeter"),
            f"a spacing of at least {(ymax - ymin) / _MAX_LINES:.3g} mm for this shape",
            f"{rows:.6g} rows of threads; at most {_MAX_LINES}",
        )
    at = centre + (np.arange(first, last + 1) + shift) * spacing
    lo, hi = np.full_like(at, xmin - 1.0), np.full_like(at, xmax + 1.0)
    ends = np.stack([np.column_stack((lo, at)), np.column_stack((hi, at))], axis=1)
    if vertical:
        ends = ends[:, :, ::-1]
    parts = shapely.get_parts(shapely.intersection(shapely.linestrings(ends), inner))
    parts = parts[(shapely.get_type_id(parts) == 1) & (shapely.length(parts) > 0)]
    box = shapely.bounds(parts)  # runs are axis-parallel: their bounds are their ends
    return np.stack([box[:, :2], box[:, 2:]], axis=1)


def _cut(runs: Array, thread_length: float) -> Array:
    """Cut each run into the fewest equal pieces no longer than ``thread_length``."""
    d = runs[:, 1, :] - runs[:, 0, :]
    length = np.hypot(d[:, 0], d[:, 1])
    cuts = np.maximum(1.0, np.ceil(length / thread_length * (1.0 - 1e-9)))
    if cuts.sum() > _MAX_THREADS:  # checked as floats, before any cast can overflow
        raise InvalidValueError(
            "thread_length",
            quantity(thread_length, "millimeter"),
            "threads long enough to keep the count within 10^7",
        )
    pieces = cuts.astype(np.int64)
    run = np.repeat(np.arange(len(runs)), pieces)
    k = np.arange(pieces.sum()) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    step = d[run] / pieces[run, None]
    start = runs[run, 0, :] + k[:, None] * step
    return np.stack([start, start + step], axis=1)


def _fans(poly: Any, inner: Any, spacing: float, thread_length: float, margin: float) -> Array:
    shapely = shapely_module()
    pitch = math.sqrt(3.0) * thread_length
    xmin, ymin, xmax, ymax = poly.bounds
    if (xmax - xmin) * (ymax - ymin) / (pitch * pitch) > _MAX_RAYS:
        raise InvalidValueError(
            "thread_length",
            quantity(thread_length, "millimeter"),
            "threads long enough to keep fans within 200,000 entry points",
        )
    rays = 2.0 * math.pi * thread_length / spacing
    if not rays <= _MAX_RAYS:  # in floats first: a tiny spacing overflows integers
        raise InvalidValueError(
            "spacing",
            quantity(spacing, "millimeter"),
            "at most 200,000 fan threads: a wider spacing or a smaller shape",
            f"about {rays:.3g} threads per fan",
        )
    centres, _ = lattice_points(poly, pitch, Lattice.HEX, margin, parameter="thread_length")
    rays_per_fan = max(3, math.ceil(rays))
    if len(centres) * rays_per_fan > _MAX_RAYS:
        raise InvalidValueError(
            "spacing",
            quantity(spacing, "millimeter"),
            "at most 200,000 fan threads: a wider spacing or a smaller shape",
            f"{len(centres)} fans x {rays_per_fan} threads",
        )
    if len(centres) == 0:
        return np.empty((0, 2, 2))
    corner = np.pi / 6.0 + np.arange(6) * np.pi / 3.0  # pointy-top hexagon: the Voronoi cell
    hexagon = np.column_stack((np.cos(corner), np.sin(corner))) * thread_length
    cells = shapely.polygons(centres[:, None, :] + hexagon[None, :, :])
    regions = shapely.intersection(cells, inner)
    theta = np.arange(rays_per_fan) * 2.0 * np.pi / rays_per_fan
    tips = np.column_stack((np.cos(theta), np.sin(theta))) * thread_length
    start = np.repeat(centres, rays_per_fan, axis=0)
    end = start + np.tile(tips, (len(centres), 1))
    rays = shapely.linestrings(np.stack([start, end], axis=1))
    clipped = shapely.intersection(rays, np.repeat(regions, rays_per_fan))
    parts, owner = shapely.get_parts(clipped, return_index=True)
    origin = shapely.points(start[owner])
    keep = (shapely.get_type_id(parts) == 1) & (shapely.length(parts) > 0)
    keep &= shapely.distance(parts, origin) <= 1e-9 * max(thread_length, 1.0)
    parts, owner = parts[keep], owner[keep]
    coords = shapely.get_coordinates(parts)
    counts = shapely.get_num_coordinates(parts)
    last = np.cumsum(counts) - 1
    far = coords[last]
    near = coords[last - counts + 1]
    # Order each thread from its entry point outwards.
    flip = np.hypot(*(far - start[owner]).T) < np.hypot(*(near - start[owner]).T)
    a = np.where(flip[:, None], far, near)
    b = np.where(flip[:, None], near, far)
    return np.stack([a, b], axis=1)


def _margin_kept(poly: Any, segments: Array, margin: float) -> Array:
    """The segments at least (to 0.1 %) ``margin`` from the edge.

    The eroded outline is a polygon approximation of the true inner offset; in a
    shape barely wider than twice the margin it can keep a sliver whose threads sit
    closer to the edge than the margin. An exact distance check drops those.
    """
    if margin <= 0 or not len(segments):
        return segments
    shapely = shapely_module()
    far: Array = shapely.distance(poly.boundary, shapely.linestrings(segments))
    kept: Array = segments[far >= margin * (1 - 1e-3)]
    return kept


def lay_threads(
    shape: Shape, spacing: float, pattern: Pattern, thread_length: float, margin: float
) -> Threads:
    """Threads from canonical magnitudes (mm); :func:`threads` reads user input first."""
    poly = polygon_of(shape)
    inner = _eroded(poly, margin)
    if pattern is Pattern.FAN:
        segments = _margin_kept(poly, _fans(poly, inner, spacing, thread_length, margin), margin)
        entries = np.unique(segments[:, 0, :], axis=0) if len(segments) else np.empty((0, 2))
    else:
        runs = [_runs(poly, inner, spacing, vertical=False)]
        if pattern is Pattern.CROSSHATCH:
            runs.append(_runs(poly, inner, spacing, vertical=True))
        segments = _margin_kept(poly, _cut(np.concatenate(runs), thread_length), margin)
        entries = segments[:, 0, :]
    return Threads(
        shape=shape,
        pattern=pattern,
        spacing_mm=spacing,
        margin_mm=margin,
        thread_length_mm=thread_length,
        segments_mm=segments,
        entries_mm=entries,
    )


def threads(
    shape: Shape,
    spacing: Any,
    *,
    thread_length: Any = "13 mm",
    pattern: Pattern | str = "parallel",
    margin: Any = "0 mm",
) -> Threads:
    """Retrograde threads inside ``shape``, ``spacing`` apart, none longer than ``thread_length``.

    The default thread length is the whole 13 mm needle shaft (MESO-ES: 12-13 mm
    needles; MICHEELS16: the whole 13 mm is inserted). :func:`plan` takes it from
    the catalog's retrograde entry instead.

    Args:
        shape: a :class:`Rectangle`, :class:`Circle`, :class:`Ellipse` or :class:`Polygon`.
        spacing: distance between neighbouring threads, e.g. "7.5 mm".
        thread_length: the longest thread, i.e. the inserted needle length.
        pattern: "parallel", "crosshatch" or "fan".
        margin: least distance from a thread to the edge; 0 by default.

    Examples:
        >>> import mesocalc
        >>> t = mesocalc.threads(mesocalc.Rectangle("3 cm", "2 cm"), "5 mm")
        >>> print(len(t), t.total_length, t.lengths.max(), sep=", ")
        12, 120.0 millimeter, 10.0 millimeter
    """
    where = read_shape(shape)
    s = read(spacing, "spacing")
    length = read(thread_length, "thread_length")
    kind = resolve(Pattern, pattern, "pattern")
    return lay_threads(where, s, kind, length, read_margin(margin))
