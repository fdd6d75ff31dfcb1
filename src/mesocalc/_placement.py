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
from typing import TYPE_CHECKING, Any

import attrs

from mesocalc import _codec, _validators
from mesocalc._injector import Injector, shots
from mesocalc._inputs import in_domain, read
from mesocalc._layout import MAX_CANDIDATES, Layout, lattice_points, read_margin
from mesocalc._names import Lattice, Pattern, resolve
from mesocalc._shapes import Circle, Ellipse, Polygon, Rectangle, Shape, polygon_of
from mesocalc._threads import Threads, lay_threads
from mesocalc._units import quantity
from mesocalc.exceptions import InputTypeError, InvalidValueError

if TYPE_CHECKING:
    from mesocalc.typing import Quantity

__all__ = ["AreaRequest", "Completion", "Placement", "read_area"]

_SHAPE_NAMES = "a mesocalc shape (Rectangle, Circle, Ellipse, Polygon)"
MAX_SHOTS = MAX_CANDIDATES  # no layout has more points, so no head more placements


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
    layout: Layout | Threads | None = attrs.field(
        default=None, eq=False, repr=False, metadata=_codec.skip()
    )

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
        """Retrograde threads laid over a shape: their summed length, in mm; else None."""
        if self._total_thread_length is None:
            return None
        return quantity(self._total_thread_length, "millimeter")

    @property
    def total_thread_length_mm(self) -> float | None:
        """The summed thread length as a float in mm, or None."""
        return self._total_thread_length

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
        }
        parts = ", ".join(f"{k}={v!r}" for k, v in shown.items() if v is not None)
        return f"Placement({parts})"

    def redrawn(self, spacing: float, lattice: Lattice, thread_length: float | None) -> Placement:
        """This placement with its layout drawn again from the shape (for a stored plan)."""
        if self.shape is None:
            return self
        margin = self._margin or 0.0
        drawing = _draw(self.shape, spacing, lattice, thread_length, margin, self.pattern)
        if isinstance(drawing, Threads):
            return attrs.evolve(
                self, layout=drawing, total_thread_length_mm=drawing.total_length_mm
            )
        return attrs.evolve(self, layout=drawing)


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
class Completion:
    """The plan's point count, its placement and the warnings that go with them."""

    points: int
    placement: Placement
    warnings: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class AreaRequest:
    """The area of a plan request, read once: a shape or a magnitude, and what goes with it."""

    area_mm2: float
    shape: Shape | None = None
    margin_mm: float | None = None
    margin_value: Any = None  # as the caller gave it, for error messages
    pattern: Pattern | None = None
    injector: Injector | None = None

    def spacing(self, spacing: Any) -> Any:
        """The spacing plan() should check: the head's needle pitch when it has one."""
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
        placement = Placement(pattern=self.pattern, injector=self.injector)
        points = estimate
        if self.shape is None:
            if self.pattern not in (None, Pattern.PARALLEL):
                raise InvalidValueError(
                    "area", "an area without a shape", f"{_SHAPE_NAMES} for {self.pattern} threads"
                )
        else:
            margin = self.margin_mm or 0.0
            placement = attrs.evolve(placement, shape=self.shape, margin_mm=margin)
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
    ) -> tuple[int | None, tuple[str, ...]]:
        """Shots of the injector and their warnings, once the points are known."""
        head = self.injector
        if head is None:
            return None, ()
        if head.needles > 1 and lattice is not Lattice.SQUARE:
            raise InvalidValueError(
                "lattice", lattice.value, "'square' for a multi-needle head (needles in a grid)"
            )
        warnings = []
        if isinstance(drawing, Layout):
            count = shots(drawing.indices, head)
        else:
            count = math.ceil(points / head.needles)
            warnings.append(
                f"shots ({count}) estimated as points / needles; give a shape as area "
                "for head placements on the actual layout"
            )
        if head.needles > 1 and head.pitch is None:
            warnings.append(
                f"injector needle pitch not given: taken to equal the spacing ({spacing:.4g} mm); "
                "no published source gives the needle pitch of multi-needle heads"
            )
        overhang = count * head.needles - points
        if overhang > 0 and head.needles > 1:
            warnings.append(
                f"{count} shots of {head.needles} needles make {count * head.needles} punctures "
                f"for {points} points: {overhang} needles of edge shots fall off the layout; "
                "total_volume counts the layout's points only"
            )
        return count, tuple(warnings)


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
    if isinstance(area, Shape):
        return AreaRequest(
            area_mm2=area._area_mm2(),
            shape=area,
            margin_mm=None if margin is None else read_margin(margin),
            margin_value=margin,
            pattern=kind,
            injector=injector,
        )
    if margin is not None:
        raise InvalidValueError(
            "margin", margin, f"no margin, or {_SHAPE_NAMES} as area: a margin needs an edge"
        )
    return AreaRequest(area_mm2=read(area, "area"), pattern=kind, injector=injector)
