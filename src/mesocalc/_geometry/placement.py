"""Where a plan's points go on a real shape, threads in a pattern, or shots of a head.

A :class:`Placement` is the part of a plan that only plans on a shape, in a
pattern or with a multi-needle head have. plan() reads its area through
:func:`read_area` and, once spacing and lattice are known, calls
:meth:`AreaRequest.complete`; the result says how many points the plan has (the
exact layout count on a shape, the density estimate otherwise) and which
placement and warnings go with it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np

from mesocalc._catalog.warnings import WarningCode, WarningRecord, record
from mesocalc._geometry.injector import Injector, shots
from mesocalc._geometry.layout import MAX_CANDIDATES, Layout, lattice_points, read_margin
from mesocalc._geometry.shapes import (
    FROM_GEOMETRY,
    Circle,
    Coords,
    Ellipse,
    Polygon,
    Rectangle,
    Shape,
    is_geometry,
    polygon_of,
)
from mesocalc._geometry.spacing_search import MAX_SEARCHED_POINTS, search
from mesocalc._geometry.threads import Threads, lay_threads
from mesocalc._quantities import validators as _validators
from mesocalc._quantities.inputs import check, in_domain, read
from mesocalc._quantities.names import Lattice, Pattern, resolve
from mesocalc._quantities.units import SANE_MAX, Dim, length_pairs, quantity
from mesocalc._records import codec as _codec
from mesocalc.exceptions import InputTypeError, InvalidValueError

if TYPE_CHECKING:
    from mesocalc.typing import Quantity

__all__ = ["AreaRequest", "BothSides", "Completion", "OnLandmarks", "Placement", "read_area"]

_SHAPE_NAMES = "a mesocalc shape (Rectangle, Circle, Ellipse, Polygon)"
_MM: Final = Dim.LENGTH.canonical  # landmark points, as the table keeps lengths
MAX_SHOTS = MAX_CANDIDATES  # no layout has more points, so no head more placements


class _Read(tuple[tuple[float, float], ...]):
    """Landmark points already read, in mm: a copy of a placement (evolve) keeps them."""

    __slots__ = ()


def _landmark_points(value: Any) -> Coords | None:
    """Landmark points: lengths, finite, within reach of the chart's origin; or None."""
    if value is None or isinstance(value, _Read):
        return value
    xy = length_pairs(value, "landmark_points")
    if not len(xy) or np.abs(xy).max() > SANE_MAX[Dim.LENGTH]:
        raise InvalidValueError(
            "landmark_points", value, "at least one (x, y) pair within 10 m of the origin"
        )
    return _Read((float(x), float(y)) for x, y in xy)


def _names(value: Any) -> tuple[str, ...]:
    """Landmark names: a list or tuple of texts, no longer than any layout."""
    if not isinstance(value, (list, tuple)) or not all(isinstance(n, str) for n in value):
        raise InputTypeError("landmarks", value, "a list of landmark names (texts)")
    if len(value) > MAX_SHOTS:
        raise InvalidValueError("landmarks", f"{len(value)} names", f"at most {MAX_SHOTS}")
    return tuple(value)


@attrs.frozen(kw_only=True)
class Placement:
    """Where a plan's points (or threads) go: a shape, its margin, a pattern, a head's shots.

    ``layout`` is the :class:`Layout` or :class:`Threads` laid over ``shape``; it is
    drawn again from the shape when a plan is read from JSON, so it is not stored.
    """

    shape: Shape | None = attrs.field(
        default=None, metadata=_codec.part(_codec.one_of(Rectangle, Circle, Ellipse, Polygon))
    )
    _margin: float | None = attrs.field(
        default=None,
        alias="margin_mm",
        validator=in_domain("margin"),
        metadata=_codec.quantity_field("margin"),
    )
    pattern: Pattern | None = attrs.field(default=None, metadata=_codec.name(Pattern))
    _total_thread_length: float | None = attrs.field(
        default=None,
        alias="total_thread_length_mm",
        validator=in_domain("total_thread_length"),
        metadata=_codec.quantity_field("total_thread_length"),
    )
    injector: Injector | None = attrs.field(
        default=None, metadata=_codec.part(_codec.one_of(Injector))
    )
    shots: int | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(_validators.whole(1, MAX_SHOTS)),
        metadata=_codec.whole(),
    )
    # Both sides of a paired site: the layout on ``shape`` (one side's outline, x > 0 or
    # x < 0 in the chart frame) and its mirror image across the midline x = 0.
    mirrored: bool = attrs.field(
        default=False, validator=_validators.flag(), metadata=_codec.flag()
    )
    landmarks: tuple[str, ...] = attrs.field(default=(), converter=_names, metadata=_codec.texts())
    # Where the landmarks lie, in the chart frame: the anatomy placed them, so they are
    # stored (a layout on a lattice is drawn again from the shape; these cannot be).
    _landmark_points: Coords | None = attrs.field(
        default=None,
        converter=_landmark_points,
        metadata=_codec.quantity_field("length", arrays=True, given=True),
    )
    layout: Layout | Threads | None = attrs.field(
        default=None, eq=False, repr=False, metadata=_codec.skip()
    )

    def __attrs_post_init__(self) -> None:
        held = 0 if self._landmark_points is None else len(self._landmark_points)
        if len(self.landmarks) != held or (held and self.shape is None):
            raise InvalidValueError(
                "landmarks",
                self.landmarks,
                f"one name per landmark point ({held}), on a site's outline (a shape)",
            )
        if self.mirrored:
            _check_mirrored(self)
        if held:  # a point on each landmark: nothing of a lattice, threads or a head
            given = {
                "margin": self._margin,
                "pattern": self.pattern,
                "total_thread_length": self._total_thread_length,
                "injector": self.injector,
                "shots": self.shots,
            }
            for name, value in given.items():
                if value is not None:
                    raise InvalidValueError(name, value, f"no {name} with landmarks")

    @property
    def margin(self) -> Quantity | None:
        """Least distance from a point (or thread) to the shape's edge, in mm; else None."""
        return None if self._margin is None else quantity(self._margin, "millimeter")

    @property
    def margin_mm(self) -> float | None:
        """The margin as a float in mm, or None."""
        return self._margin

    @property
    def total_thread_length(self) -> Quantity | None:
        """The summed length of retrograde threads laid over a shape, in mm; else None."""
        if self._total_thread_length is None:
            return None
        return quantity(self._total_thread_length, "millimeter")

    @property
    def total_thread_length_mm(self) -> float | None:
        """The summed thread length as a float in mm, or None."""
        return self._total_thread_length

    @property
    def landmark_points(self) -> Quantity | None:
        """The landmarks' points as an (N, 2) array of (x, y) in mm, in order; else None."""
        if self._landmark_points is None:
            return None
        return quantity(np.array(self._landmark_points, dtype=float), _MM)

    @property
    def needles(self) -> int | None:
        """Needles of the head, or None without one."""
        return None if self.injector is None else self.injector.needles

    def __repr__(self) -> str:
        shown = {
            "shape": self.shape,
            "margin": None if self._margin is None else f"{self._margin:g} mm",
            "pattern": None if self.pattern is None else self.pattern.value,
            "total_thread_length": (
                None
                if self._total_thread_length is None
                else f"{self._total_thread_length:.4g} mm"
            ),
            "injector": self.injector,
            "shots": self.shots,
            "landmarks": self.landmarks or None,
            "mirrored": self.mirrored or None,
        }
        parts = ", ".join(f"{k}={v!r}" for k, v in shown.items() if v is not None)
        return f"Placement({parts})"

    def redrawn(self, spacing: float, lattice: Lattice, thread_length: float | None) -> Placement:
        """This placement with its layout drawn again from the shape (for a stored plan)."""
        if self.shape is None:
            return self
        if self._landmark_points is not None:
            xy = np.array(self._landmark_points, dtype=float)
            n = len(xy)
            return attrs.evolve(
                self,
                layout=Layout(
                    shape=self.shape,
                    lattice=lattice,
                    spacing_mm=spacing,
                    margin_mm=0.0,
                    xy_mm=xy,
                    indices=np.column_stack((np.arange(n), np.zeros(n, dtype=int))),
                ),
            )
        margin = self._margin or 0.0
        drawing = _draw(self.shape, spacing, lattice, thread_length, margin, self.pattern)
        if self.mirrored:
            drawing = _with_mirror(drawing)
        if isinstance(drawing, Threads):
            return attrs.evolve(
                self, layout=drawing, total_thread_length_mm=drawing.total_length_mm
            )
        return attrs.evolve(self, layout=drawing)


def _check_mirrored(placement: Placement) -> None:
    """A mirrored placement: a shape wholly on one side of the midline, no head or landmarks."""
    shape = placement.shape
    if shape is None or placement.injector is not None or placement.landmarks:
        raise InvalidValueError(
            "mirrored",
            True,
            "a shape to mirror, with no injector head or landmarks",
        )
    x = shape._outline()[0][:, 0]
    if not (x.min() > 0.0 or x.max() < 0.0):  # its mirror image would meet it
        raise InvalidValueError(
            "mirrored", True, "a shape wholly on one side of the midline (x = 0) to mirror"
        )


def _with_mirror(drawing: Layout | Threads) -> Layout | Threads:
    """The drawing and its mirror image across x = 0: the other side's points, in order."""
    flip = np.array([-1.0, 1.0])
    if isinstance(drawing, Threads):
        segments = drawing.segments.to(_MM).magnitude
        entries = drawing.entries.to(_MM).magnitude
        return attrs.evolve(
            drawing,
            segments_mm=np.concatenate([segments, segments * flip]),
            entries_mm=np.concatenate([entries, entries * flip]),
        )
    xy = drawing.points.to(_MM).magnitude
    ij = drawing.indices
    return attrs.evolve(
        drawing,
        xy_mm=np.concatenate([xy, xy * flip]),
        indices=np.concatenate([ij, ij * np.array([-1, 1]) - np.array([1, 0])]),
    )


def _draw(  # noqa: PLR0917 - private, called twice with the same six things
    shape: Shape,
    spacing: float,
    lattice: Lattice,
    thread_length: float | None,
    margin: float,
    pattern: Pattern | None,
) -> Layout | Threads:
    """The layout (points) or threads of ``shape``."""
    if thread_length is not None:
        return lay_threads(shape, spacing, pattern or Pattern.PARALLEL, thread_length, margin)
    xy, ij = lattice_points(polygon_of(shape), spacing, lattice, margin)
    return Layout(
        shape=shape, lattice=lattice, spacing_mm=spacing, margin_mm=margin, xy_mm=xy, indices=ij
    )


@attrs.frozen(kw_only=True)
class OnLandmarks:
    """plan()'s area when its points are named landmarks: the site's outline, and the points.

    The landmarks fix the points: their count, where they lie, and the spacing (the least
    distance between two of them), which the catalog's range checks as a given one.
    """

    shape: Shape
    names: tuple[str, ...]
    xy: Coords


@attrs.frozen(kw_only=True)
class BothSides:
    """plan()'s area over both sides of a paired site's template: one side's outline, mirrored."""

    shape: Shape


@attrs.frozen(kw_only=True)
class Completion:
    """The plan's point count, its placement and the warnings that go with them."""

    points: int
    placement: Placement
    warnings: tuple[WarningRecord, ...] = ()


@attrs.frozen(kw_only=True)
class AreaRequest:
    """The area of a plan request, read once: a shape or a magnitude, and what goes with it."""

    area_mm2: float
    shape: Shape | None = None
    margin_mm: float | None = None
    margin_value: Any = None  # as the caller gave it, for error messages
    pattern: Pattern | None = None
    injector: Injector | None = None
    landmarks: OnLandmarks | None = None
    mirrored: bool = False  # both sides: the shape and its mirror image (see Placement)

    def spacing(self, spacing: Any) -> Any:
        """The spacing plan() should check: the head's needle pitch; none with landmarks."""
        if self.landmarks is not None:
            return _landmark_spacing(spacing, len(self.landmarks.xy))
        head = self.injector
        if head is None or head.needles == 1 or head.pitch is None:
            return spacing
        if spacing is None:
            return head.pitch
        if not math.isclose(read(spacing, "spacing"), head.pitch_mm or 0.0):
            raise InvalidValueError(
                "spacing",
                spacing,
                f"the injector's needle pitch ({head.pitch_mm:.6g} mm), or no spacing",
                "a multi-needle head fixes the distance between points",
            )
        return spacing

    def spacing_for(
        self, points: int, lattice: Lattice, thread_length: float | None, estimate: float
    ) -> tuple[float, int]:
        """A spacing (mm) whose layout on the shape holds ``points`` points (or threads).

        The nearest count a spacing gives, when none gives ``points`` exactly; see
        :mod:`mesocalc._geometry.spacing_search`. ``estimate`` is the density estimate the
        search starts from.
        """
        shape = self.shape
        if shape is None:
            raise InvalidValueError("area", self.area_mm2, "a shape to lay points on")
        if points > MAX_SEARCHED_POINTS:
            raise InvalidValueError(
                "points",
                points,
                f"at most {MAX_SEARCHED_POINTS} points on a shape (a software bound: "
                "the search draws the layout many times); give a spacing instead",
            )
        margin, pattern = self.margin_mm or 0.0, self.pattern
        counts: dict[float, int] = {}

        def count(spacing: float) -> int:
            if spacing not in counts:
                try:
                    drawing = _draw(shape, spacing, lattice, thread_length, margin, pattern)
                    counts[spacing] = len(drawing) * (2 if self.mirrored else 1)
                except InvalidValueError as exc:
                    if exc.parameter != "spacing":
                        raise
                    counts[spacing] = MAX_CANDIDATES + 1  # denser than any layout
            return counts[spacing]

        return search(count, points, estimate, shape)

    def complete(
        self, lattice: Lattice, spacing: float, thread_length: float | None, estimate: int
    ) -> Completion:
        """Points, placement and warnings at a spacing (mm) on a lattice.

        ``thread_length`` is None for point techniques; ``estimate`` is the density
        estimate of the point count, used without a shape.
        """
        threaded = thread_length is not None
        if self.pattern is not None and not threaded:
            raise InvalidValueError(
                "pattern", self.pattern.value, "no pattern: patterns lay retrograde threads"
            )
        if self.injector is not None and threaded:
            raise InvalidValueError(
                "injector", self.injector, "no injector: heads inject points, not threads"
            )
        if self.landmarks is not None:
            return _on_landmarks(self.landmarks, lattice, spacing, threaded=threaded)
        placement = Placement(pattern=self.pattern, injector=self.injector)
        points = estimate
        if self.shape is None:
            if self.pattern not in (None, Pattern.PARALLEL):
                raise InvalidValueError(
                    "area", "an area without a shape", f"{_SHAPE_NAMES} for {self.pattern} threads"
                )
        else:
            margin = self.margin_mm or 0.0
            placement = attrs.evolve(
                placement, shape=self.shape, margin_mm=margin, mirrored=self.mirrored
            )
            placement = placement.redrawn(spacing, lattice, thread_length)
            points = len(placement.layout or ())
            if points == 0:
                at_fault = "margin" if margin > 0 else "spacing"
                raise InvalidValueError(
                    at_fault,
                    self.margin_value if margin > 0 else quantity(spacing, "millimeter"),
                    f"a {at_fault} that leaves room for at least one point in {self.shape!r}",
                )
            if isinstance(placement.layout, Threads):
                placement = attrs.evolve(placement, pattern=placement.layout.pattern)
        count, warnings = self._shots(points, lattice, spacing, placement.layout)
        return Completion(
            points=points,
            placement=attrs.evolve(placement, shots=count),
            warnings=warnings,
        )

    def _shots(
        self, points: int, lattice: Lattice, spacing: float, drawing: Layout | Threads | None
    ) -> tuple[int | None, tuple[WarningRecord, ...]]:
        """Shots of the injector and their warnings, once the points are known."""
        head = self.injector
        if head is None:
            return None, ()
        if head.needles > 1 and lattice is not Lattice.SQUARE:
            raise InvalidValueError(
                "lattice", lattice.value, "'square' for a multi-needle head (needles in a grid)"
            )
        warnings: list[WarningRecord] = []
        if isinstance(drawing, Layout):
            count = shots(drawing.indices, head)
        else:
            count = math.ceil(points / head.needles)
            warnings.append(
                record(
                    WarningCode.SHOTS_ESTIMATED,
                    f"shots ({count}) estimated as points / needles; give a shape as area "
                    "for head placements on the actual layout",
                )
            )
        if head.needles > 1 and head.pitch is None:
            warnings.append(
                record(
                    WarningCode.PITCH_ASSUMED,
                    f"injector needle pitch not given: taken to equal the spacing "
                    f"({spacing:.4g} mm); no published source gives the needle pitch of "
                    "multi-needle heads",
                    parameter="pitch",
                )
            )
        overhang = count * head.needles - points
        if overhang > 0 and head.needles > 1:
            warnings.append(
                record(
                    WarningCode.EDGE_SHOTS,
                    f"{count} shots of {head.needles} needles make {count * head.needles} "
                    f"punctures for {points} points: {overhang} needles of edge shots fall off "
                    "the layout; total_volume counts the layout's points only",
                )
            )
        return count, tuple(warnings)


def _landmark_spacing(spacing: Any, points: int) -> Any:
    """No spacing with two landmarks or more: theirs is their points' least distance.

    One point has no neighbour: the spacing given (or the nominal) is the plan's.
    """
    if spacing is not None and points > 1:
        raise InvalidValueError(
            "spacing",
            spacing,
            "no spacing with landmarks",
            "the landmarks fix the distances between the points",
        )
    return spacing


def _on_landmarks(
    marks: OnLandmarks, lattice: Lattice, spacing: float, *, threaded: bool
) -> Completion:
    """A point on each landmark: the plan's points, and its placement."""
    if threaded:
        raise InvalidValueError(
            "landmarks",
            list(marks.names),
            "no landmarks for retrograde threads: a landmark is a point",
        )
    placement = Placement(
        shape=marks.shape,
        landmarks=marks.names,
        landmark_points=quantity(np.array(marks.xy, dtype=float), _MM),
    ).redrawn(spacing, lattice, None)
    return Completion(
        points=len(marks.xy),
        placement=placement,
        warnings=(
            record(
                WarningCode.LANDMARKS,
                f"points: one on each of {len(marks.xy)} landmarks ({', '.join(marks.names)}), "
                "placed by the team on the site's template (basis derived), not a lattice; "
                "the spacing is the least distance between two of them (one: the nominal)",
                parameter="spacing",
            ),
        ),
    )


def read_area(area: Any, *, margin: Any, pattern: Any, injector: Any) -> AreaRequest:
    """Read plan()'s area with its shape-related keywords."""
    kind = None if pattern is None else resolve(Pattern, pattern, "pattern")
    if injector is not None and not isinstance(injector, Injector):
        raise InputTypeError(
            "injector",
            injector,
            "a mesocalc.Injector such as Injector(needles=9)",
            f"got a {type(injector).__name__}",
        )
    if isinstance(area, OnLandmarks):
        for name, value in (("margin", margin), ("pattern", pattern), ("injector", injector)):
            if value is not None:
                raise InvalidValueError(
                    name, value, f"no {name} with landmarks: a point goes on each landmark"
                )
        shape = area.shape
        return AreaRequest(
            area_mm2=check(shape._area_mm2(), shape, "area"), shape=shape, landmarks=area
        )
    if isinstance(area, BothSides):
        if injector is not None:
            raise InvalidValueError(
                "injector", injector, "no injector on both sides' template: plan each side"
            )
        return AreaRequest(
            area_mm2=check(2.0 * area.shape._area_mm2(), area.shape, "area"),
            shape=area.shape,
            margin_mm=None if margin is None else read_margin(margin),
            margin_value=margin,
            pattern=kind,
            mirrored=True,
        )
    if isinstance(area, Shape):
        return AreaRequest(
            area_mm2=check(area._area_mm2(), area, "area"),  # as an area given as a number
            shape=area,
            margin_mm=None if margin is None else read_margin(margin),
            margin_value=margin,
            pattern=kind,
            injector=injector,
        )
    if is_geometry(area):
        raise InputTypeError(
            "area",
            area,
            f"{_SHAPE_NAMES}, or an area such as '40 cm^2'",
            f"a geometry's coordinates have no unit; make it a shape: {FROM_GEOMETRY}",
        )
    if margin is not None:
        raise InvalidValueError(
            "margin", margin, f"no margin, or {_SHAPE_NAMES} as area: a margin needs an edge"
        )
    return AreaRequest(area_mm2=read(area, "area"), pattern=kind, injector=injector)
