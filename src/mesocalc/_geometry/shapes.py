"""Treatment areas as real shapes in physical units: rectangles, circles, ellipses, polygons.

Sizes and coordinates are read once, at construction, into millimetres; shapely
(an optional extra, ``mesocalc[shapes]``) does the geometry and is imported only
when a shape is first drawn or laid out. Rectangles, circles and ellipses are
centred on the origin; a polygon sits where its vertices say. Where a shape
sits does not change its layout (see :func:`mesocalc.layout`).
"""

from __future__ import annotations

import math
import re
import reprlib
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np

from mesocalc._engine import engine as _engine
from mesocalc._quantities.inputs import read
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc._quantities.units import SANE_MAX, Dim, length_pairs, quantity, unit_factor
from mesocalc._records import codec as _codec
from mesocalc.exceptions import InputTypeError, InvalidValueError, MesocalcError

if TYPE_CHECKING:
    from mesocalc.typing import Quantity

__all__ = [
    "FROM_GEOMETRY",
    "Circle",
    "Ellipse",
    "Polygon",
    "Rectangle",
    "Shape",
    "is_geometry",
    "least_distance",
    "polygon_of",
    "shapely_module",
]

Coords = tuple[tuple[float, float], ...]

# Circles and ellipses become polygons whose edges stay within this distance (mm) of
# the true curve: 1 µm, far below any injection spacing. Their .area and .perimeter
# are computed from the curve itself, not from the polygon.
_CURVE_TOLERANCE: Final = 1e-3
_MIN_SEGMENTS: Final = 64
_MAX_SEGMENTS: Final = 20_000


def shapely_module() -> Any:
    """shapely, imported on first use, with an install hint if it is missing."""
    try:
        shapely = _engine.imported("shapely")  # an optional extra, under the engine's lock
    except ModuleNotFoundError as exc:  # pragma: no cover - the test extra installs shapely
        raise ModuleNotFoundError(
            'shapes need shapely: pip install ".[shapes]" in mesocalc\'s folder', name="shapely"
        ) from exc
    return shapely


# attrs converters: each reads a positive length into mm, its errors naming the parameter.
def _width(value: Any) -> float:
    return read(value, "width")


def _height(value: Any) -> float:
    return read(value, "height")


def _radius(value: Any) -> float:
    return read(value, "radius")


def _mm(value: float) -> str:
    return f"{value:.6g} mm"


# Shape results follow the parameter table, as plans do: areas in cm² (the unit of
# plan.area), lengths in mm (the unit of spacing, margin, depth and thread lengths).
def _area(mm2: Any) -> Quantity:
    p = PARAMETERS["area"]
    return quantity(p.to_shown(mm2), p.shown_unit)


def _length(mm: Any, name: str = "length") -> Quantity:
    p = PARAMETERS[name]
    return quantity(p.to_shown(mm), p.shown_unit)


class Shape:
    """A treatment area's outline. Subclasses: Rectangle, Circle, Ellipse, Polygon."""

    __slots__ = ()

    def _outline(self) -> tuple[np.ndarray[Any, Any], tuple[np.ndarray[Any, Any], ...]]:
        """Shell and hole vertices in mm, as (N, 2) arrays."""
        raise NotImplementedError

    def _area_mm2(self) -> float:
        return float(polygon_of(self).area)

    def _perimeter_mm(self) -> float:
        return float(polygon_of(self).length)

    @property
    def area(self) -> Quantity:
        """Area enclosed by the outline (holes excluded), in cm², as ``plan.area``."""
        return _area(self._area_mm2())

    @property
    def perimeter(self) -> Quantity:
        """Length of the outline, holes' outlines included, in mm, as every length."""
        return _length(self._perimeter_mm(), "perimeter")

    @property
    def bounds(self) -> Quantity:
        """The bounding box ``[xmin, ymin, xmax, ymax]``, in mm."""
        return _length(np.array(polygon_of(self).bounds))


@_engine.cached(128)
def polygon_of(shape: Shape) -> Any:
    """The shapely polygon of a shape, built once per shape and prepared for fast queries."""
    shapely = shapely_module()
    shell, holes = shape._outline()
    poly = shapely.Polygon(shell, holes)
    shapely.prepare(poly)
    return poly


def _curve(half_x: float, half_y: float) -> np.ndarray[Any, Any]:
    """Vertices of an ellipse with these half-axes, within _CURVE_TOLERANCE of the curve."""
    big = max(half_x, half_y)
    step = math.acos(max(-1.0, 1.0 - _CURVE_TOLERANCE / big)) * 2.0
    n = min(_MAX_SEGMENTS, max(_MIN_SEGMENTS, math.ceil(2 * math.pi / step)))
    t = np.linspace(0.0, 2.0 * math.pi, n, endpoint=False)
    return np.column_stack((half_x * np.cos(t), half_y * np.sin(t)))


@attrs.frozen(repr=False)
class _Boxed(Shape):
    """A shape given by its extent ``width`` (along x) and ``height`` (along y)."""

    _width: float = attrs.field(
        converter=_width, metadata=_codec.quantity_field("width", given=True)
    )
    _height: float = attrs.field(
        converter=_height, metadata=_codec.quantity_field("height", given=True)
    )

    @property
    def width(self) -> Quantity:
        """Extent along x (a rectangle's side, an ellipse's full axis), in mm."""
        return _length(self._width, "width")

    @property
    def height(self) -> Quantity:
        """Extent along y (a rectangle's side, an ellipse's full axis), in mm."""
        return _length(self._height, "height")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(width={_mm(self._width)!r}, height={_mm(self._height)!r})"


@attrs.frozen(repr=False)
class Rectangle(_Boxed):
    """A rectangle ``width`` (along x) by ``height`` (along y), centred on the origin.

    Examples:
        >>> import mesocalc
        >>> r = mesocalc.Rectangle("6 cm", "4 cm")
        >>> print(r.area, r.perimeter, sep=", ")
        24.0 centimeter ** 2, 200.0 millimeter
    """

    def _outline(self) -> tuple[np.ndarray[Any, Any], tuple[np.ndarray[Any, Any], ...]]:
        w, h = self._width / 2.0, self._height / 2.0
        return np.array([(-w, -h), (w, -h), (w, h), (-w, h)]), ()

    def _area_mm2(self) -> float:
        return self._width * self._height

    def _perimeter_mm(self) -> float:
        return 2.0 * (self._width + self._height)


@attrs.frozen(repr=False)
class Circle(Shape):
    """A circle of ``radius``, centred on the origin."""

    _radius: float = attrs.field(
        converter=_radius, metadata=_codec.quantity_field("radius", given=True)
    )

    @property
    def radius(self) -> Quantity:
        """Radius, in mm."""
        return _length(self._radius, "radius")

    def _outline(self) -> tuple[np.ndarray[Any, Any], tuple[np.ndarray[Any, Any], ...]]:
        return _curve(self._radius, self._radius), ()

    def _area_mm2(self) -> float:
        return math.pi * self._radius**2

    def _perimeter_mm(self) -> float:
        return 2.0 * math.pi * self._radius

    def __repr__(self) -> str:
        return f"Circle(radius={_mm(self._radius)!r})"


@attrs.frozen(repr=False)
class Ellipse(_Boxed):
    """An ellipse with full axes ``width`` (along x) and ``height`` (along y), centred on 0.

    The perimeter uses Ramanujan's second approximation (relative error below 4e-5
    for the flattest ellipses, far smaller for round ones).
    """

    def _outline(self) -> tuple[np.ndarray[Any, Any], tuple[np.ndarray[Any, Any], ...]]:
        return _curve(self._width / 2.0, self._height / 2.0), ()

    def _area_mm2(self) -> float:
        return math.pi * self._width * self._height / 4.0

    def _perimeter_mm(self) -> float:
        a, b = self._width / 2.0, self._height / 2.0
        h = ((a - b) / (a + b)) ** 2
        return math.pi * (a + b) * (1.0 + 3.0 * h / (10.0 + math.sqrt(4.0 - 3.0 * h)))


def _ring(value: Any, parameter: str) -> Coords:
    """Read one ring of vertices: lengths, finite, within reach, at least 3 distinct."""
    xy = length_pairs(value, parameter)
    limit = SANE_MAX[Dim.LENGTH]
    if xy.size and np.abs(xy).max() > limit:
        raise InvalidValueError(
            parameter, value, "coordinates within 10 m of the origin", "too large to be a plan"
        )
    if len(xy) > 1 and np.array_equal(xy[0], xy[-1]):
        xy = xy[:-1]  # an explicitly closed ring
    distinct = len(np.unique(xy, axis=0)) if len(xy) else 0
    if distinct < 3:
        raise InvalidValueError(
            parameter, value, "at least 3 distinct (x, y) vertices", f"got {distinct}"
        )
    ring = tuple((float(x), float(y)) for x, y in xy)
    _check_ring(ring, parameter, value)
    return ring


def _vertices(value: Any) -> Coords:
    return _ring(value, "vertices")


def _holes(value: Any) -> tuple[Coords, ...]:
    if not isinstance(value, (list, tuple)):
        raise InputTypeError(
            "holes", value, "a sequence of vertex arrays", f"got a {type(value).__name__}"
        )
    return tuple(_ring(hole, f"holes[{i}]") for i, hole in enumerate(value))


_WHERE = re.compile(r"\[\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)")


def _problem(geometry: Any) -> str | None:
    """Why shapely finds ``geometry`` invalid, in words (no shapely internals), or None."""
    shapely = shapely_module()
    if shapely.is_valid(geometry):
        return None
    reason = str(shapely.is_valid_reason(geometry))
    where = _WHERE.search(reason)
    try:
        near = f" near ({float(where[1]):.6g} mm, {float(where[2]):.6g} mm)" if where else ""
    except ValueError:
        near = ""
    if "Self-intersection" in reason:
        return f"the outline crosses or touches itself{near}"
    if "outside shell" in reason:
        return f"a hole lies outside the outline{near}"
    if "Nested holes" in reason:
        return f"a hole lies inside another hole{near}"
    if "disconnected" in reason:
        return f"the holes cut the shape in pieces{near}"
    return f"not a simple polygon{near}"


def _check_ring(ring: Coords, parameter: str, value: Any) -> None:
    shapely = shapely_module()
    poly = shapely.Polygon(ring)
    xy = np.array(ring)
    spread = np.linalg.svd(xy - xy.mean(axis=0), compute_uv=False)
    if spread[1] <= 1e-9 * spread[0]:
        raise InvalidValueError(
            parameter, value, "vertices enclosing an area", "zero area: the vertices are collinear"
        )
    problem = _problem(poly)
    if problem:
        raise InvalidValueError(
            parameter, value, "a simple outline that does not cross itself", problem
        )


@attrs.frozen(repr=False)
class Polygon(Shape):
    """A polygon from its vertices, with optional holes (a face region minus the eyes).

    ``vertices`` is a length Quantity array of shape (N, 2), or a sequence of
    (x, y) pairs of lengths such as ``[("0 cm", "0 cm"), ("6 cm", "0 cm"), ...]``;
    each hole is another such array. Vertices go round the outline in either
    direction; repeating the first vertex at the end is allowed.

    Raises:
        InvalidValueError: fewer than 3 distinct vertices, zero area, an outline that
            crosses itself, a hole outside the outline, NaN or infinite coordinates.
        UnitError: coordinates that are not lengths (bare numbers included).

    Examples:
        >>> import mesocalc
        >>> tri = mesocalc.Polygon([("0 cm", "0 cm"), ("4 cm", "0 cm"), ("0 cm", "3 cm")])
        >>> print(tri.area, tri.perimeter, sep=", ")
        6.0 centimeter ** 2, 120.0 millimeter
    """

    _vertices: Coords = attrs.field(
        converter=_vertices, metadata=_codec.quantity_field("length", arrays=True, given=True)
    )
    _holes: tuple[Coords, ...] = attrs.field(
        default=(), converter=_holes, metadata=_codec.rings("length")
    )

    def __attrs_post_init__(self) -> None:
        if self._holes:
            problem = _problem(polygon_of(self))
            if problem:
                raise InvalidValueError(
                    "holes", f"{len(self._holes)} holes", "holes inside the outline", problem
                )

    @property
    def vertices(self) -> Quantity:
        """The outline's vertices as an (N, 2) array, in mm."""
        return _length(np.array(self._vertices))

    @property
    def holes(self) -> tuple[Quantity, ...]:
        """Each hole's vertices as an (N, 2) array, in mm."""
        return tuple(_length(np.array(h)) for h in self._holes)

    @classmethod
    def from_shapely(cls, geometry: Any, *, unit: str) -> Polygon:
        """The polygon of a shapely geometry, or of any GeoJSON Polygon, in ``unit``.

        ``geometry`` is a shapely Polygon, a MultiPolygon of one part, any object
        with ``__geo_interface__`` (GeoJSON), or a GeoJSON mapping such as
        ``{"type": "Polygon", "coordinates": [[(0, 0), (40, 0), (0, 30)]]}``. Holes
        are kept. Geometries carry numbers, not lengths, so ``unit`` ("mm", "cm",
        ...) is required: mesocalc never guesses one.

        Raises:
            MesocalcError: naming ``geometry`` (not a polygon, several parts, empty,
                NaN coordinates, an outline that crosses itself, more than 100,000
                vertices, ...) or ``unit``; never shapely's or numpy's errors.
        """
        factor = unit_factor(unit, "unit", Dim.LENGTH)
        shell, *holes = _geo_rings(geometry)
        try:
            return cls(_length(shell * factor), holes=[_length(h * factor) for h in holes])
        except MesocalcError as exc:
            where = _RING_NAMES.get(exc.parameter) or re.sub(
                r"holes\[(\d+)\]", r"interior ring \1", exc.parameter
            )
            detail = f"{where}: {exc.detail}" if exc.detail else where
            raise type(exc)(
                **{**exc._fields(), "parameter": "geometry", "detail": detail}
            ) from None

    def _outline(self) -> tuple[np.ndarray[Any, Any], tuple[np.ndarray[Any, Any], ...]]:
        return np.array(self._vertices), tuple(np.array(h) for h in self._holes)

    def __repr__(self) -> str:
        holes = f", {len(self._holes)} holes" if self._holes else ""
        area = PARAMETERS["area"].show(self._area_mm2())
        return f"<Polygon of {len(self._vertices)} vertices{holes}, {area}>"


# Reading a geometry (GeoJSON, through __geo_interface__): one path for shapely and the rest.

FROM_GEOMETRY: Final = "mesocalc.Polygon.from_shapely(geometry, unit='mm')"
_GEOMETRY: Final = (
    "a shapely Polygon (or MultiPolygon of one part), an object with __geo_interface__, "
    "or a GeoJSON mapping {'type': 'Polygon', 'coordinates': [...]}"
)
_MAX_VERTICES: Final = 100_000  # per geometry, holes included: as Polygon() allows per ring
_RING_NAMES: Final = {"vertices": "exterior ring", "holes": "interior rings"}
_REALS: Final = (int, float, np.integer, np.floating)


def is_geometry(value: Any) -> bool:
    """Whether ``value`` is a geometry (GeoJSON or ``__geo_interface__``), not a mesocalc shape."""
    if isinstance(value, Mapping):
        return "type" in value and "coordinates" in value
    if isinstance(value, Shape):
        return False
    return hasattr(type(value), "__geo_interface__") or "__geo_interface__" in getattr(
        value, "__dict__", {}
    )


def _bad(value: Any, expected: str, detail: str = "") -> InvalidValueError:
    return InvalidValueError("geometry", value, expected, detail)


def _geo_rings(geometry: Any) -> list[np.ndarray[Any, np.dtype[np.float64]]]:
    """The rings of a GeoJSON Polygon, outline first, as (N, 2) float arrays (no unit yet)."""
    _refuse_large_shapely(geometry)
    data = (
        geometry if isinstance(geometry, Mapping) else getattr(geometry, "__geo_interface__", None)
    )
    if not isinstance(data, Mapping):
        raise InputTypeError("geometry", geometry, _GEOMETRY, f"got a {type(geometry).__name__}")
    parts = _polygon_rings(data)
    _refuse_many_vertices(parts)
    return [_positions(ring, i) for i, ring in enumerate(parts)]


def _refuse_large_shapely(geometry: Any) -> None:
    """A shapely geometry's vertices counted before GeoJSON copies them all."""
    # A shapely geometry implies shapely is imported, perhaps still by another thread:
    # the import statement waits for it to finish rather than read a partial module.
    shapely = shapely_module() if "shapely" in sys.modules else None
    if shapely is not None and isinstance(geometry, shapely.Geometry):
        count = int(shapely.get_num_coordinates(geometry))
        if count > _MAX_VERTICES:
            raise _bad(
                f"a {geometry.geom_type} of {count:,} vertices",
                f"at most {_MAX_VERTICES:,} vertices",
                "too many to be an outline on skin",
            )


def _polygon_rings(data: Mapping[str, Any]) -> list[Any] | tuple[Any, ...]:
    """The non-empty coordinates of a GeoJSON Polygon, or of a MultiPolygon's one part."""
    kind, parts = data.get("type"), data.get("coordinates")
    if kind == "MultiPolygon":
        if not isinstance(parts, (list, tuple)) or len(parts) != 1:
            held = f"{len(parts):,}" if isinstance(parts, (list, tuple)) else "no"
            raise _bad(
                f"a MultiPolygon of {held} parts",
                "a Polygon, or a MultiPolygon of one part",
                "a plan covers one outline: plan each part separately",
            )
        kind, parts = "Polygon", parts[0]
    if kind != "Polygon":
        shown = kind if isinstance(kind, str) and len(kind) < 40 else type(kind).__name__
        hint = ": pass its geometry" if kind == "Feature" else ""
        raise _bad(f"a GeoJSON {shown}", _GEOMETRY, f"not a polygon{hint}")
    if not isinstance(parts, (list, tuple)) or not parts:
        raise _bad("an empty Polygon", "a polygon with an outline", "no coordinates")
    return parts


def _refuse_many_vertices(parts: list[Any] | tuple[Any, ...]) -> None:
    """At most _MAX_VERTICES in all the rings, counted before any is read."""
    if len(parts) > _MAX_VERTICES // 3:  # every ring has 3 vertices at least
        raise _bad(
            f"a Polygon of {len(parts):,} rings",
            f"at most {_MAX_VERTICES:,} vertices",
            "too many to be an outline on skin",
        )
    total = 0
    for ring in parts:
        total += len(ring) if isinstance(ring, (list, tuple, np.ndarray)) else 0
        if total > _MAX_VERTICES:
            raise _bad(
                f"a Polygon of more than {_MAX_VERTICES:,} vertices",
                f"at most {_MAX_VERTICES:,} vertices",
                "too many to be an outline on skin",
            )


def _positions(ring: Any, i: int) -> np.ndarray[Any, np.dtype[np.float64]]:
    """One GeoJSON ring: a sequence of (x, y) positions of real numbers, finite."""
    which = "exterior ring" if i == 0 else f"interior ring {i - 1}"
    expected = "a ring of (x, y) positions of real numbers"
    if isinstance(ring, np.ndarray):
        if ring.dtype.kind not in "iuf" or ring.ndim != 2 or ring.shape[1] != 2:
            raise _bad(f"an array of shape {ring.shape}", expected, which)
        xy = ring.astype(np.float64)
    elif isinstance(ring, (list, tuple)):
        for j, position in enumerate(ring):
            if (
                not isinstance(position, (list, tuple))
                or len(position) != 2
                or not all(isinstance(c, _REALS) and not isinstance(c, bool) for c in position)
            ):
                why = "not two real numbers (x, y)"
                if isinstance(position, (list, tuple)) and len(position) == 3:
                    why += "; a z coordinate is not dropped for you: give 2-D positions"
                raise _bad(reprlib.repr(position), expected, f"{which}, position {j}: {why}")
        try:
            xy = np.array(ring, dtype=np.float64).reshape(-1, 2)
        except OverflowError:
            raise _bad(
                f"{which} of {len(ring)} positions", expected, "a coordinate beyond a float"
            ) from None
    else:
        raise _bad(type(ring).__name__, expected, which)
    if not np.isfinite(xy).all():
        raise _bad(f"{which} of {len(xy)} positions", expected, "NaN or infinite coordinates")
    return xy


def least_distance(xy: Coords) -> float | None:
    """The least distance (mm) between two of the points, or None for one point."""
    if len(xy) < 2:
        return None
    a = np.array(xy, dtype=float)
    d = np.hypot(*(a[:, None, :] - a[None, :, :]).transpose(2, 0, 1))
    return float(d[np.triu_indices(len(a), 1)].min())
