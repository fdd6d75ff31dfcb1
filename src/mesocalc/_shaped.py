"""What plan() adds when the area is a real shape, threads are patterned or a head is used.

plan() reads its area through :func:`read_area` and, once spacing and lattice are
known, calls :meth:`AreaRequest.complete`; the result says how many points the
plan has (the exact layout count, or None for the density estimate) and which
extra Plan fields and warnings go with it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import attrs

from mesocalc._injector import Injector, shots
from mesocalc._inputs import read
from mesocalc._layout import Layout, lattice_points, read_margin
from mesocalc._names import Lattice, Pattern, resolve
from mesocalc._shapes import Shape, polygon_of
from mesocalc._threads import Threads, lay_threads
from mesocalc._units import Dim, quantity
from mesocalc.exceptions import InputTypeError, InvalidValueError

if TYPE_CHECKING:
    from mesocalc._catalog import Spec

__all__ = ["AreaRequest", "Completion", "fields_from_dict", "read_area"]

_SHAPE_NAMES = "a mesocalc shape (Rectangle, Circle, Ellipse, Polygon)"


@attrs.frozen(kw_only=True)
class Completion:
    """The plan's point count, extra Plan fields and warnings."""

    points: int
    fields: dict[str, Any] = attrs.Factory(dict)
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
        if not math.isclose(read(spacing, "spacing", Dim.LENGTH), head.pitch_mm or 0.0):
            raise InvalidValueError(
                "spacing",
                spacing,
                f"the injector's needle pitch ({head.pitch_mm:.6g} mm), or no spacing",
                "a multi-needle head fixes the distance between points",
            )
        return spacing

    def complete(self, entry: Spec, lattice: Lattice, spacing: float, estimate: int) -> Completion:
        """Points, fields and warnings for an entry at a spacing (mm) on a lattice.

        ``estimate`` is the density estimate of the point count, used without a shape.
        """
        drawn = self._draw(entry, lattice, spacing, estimate)
        head = self._head(drawn.points, lattice, spacing, drawn.fields.get("drawing"))
        return Completion(
            points=drawn.points,
            fields={**drawn.fields, **head.fields},
            warnings=drawn.warnings + head.warnings,
        )

    def _draw(self, entry: Spec, lattice: Lattice, spacing: float, estimate: int) -> Completion:
        threaded = entry.thread_length is not None
        if self.pattern is not None and not threaded:
            raise InvalidValueError(
                "pattern", self.pattern.value, "no pattern: patterns lay retrograde threads"
            )
        if self.injector is not None and threaded:
            raise InvalidValueError(
                "injector", self.injector, "no injector: heads inject points, not threads"
            )
        if self.shape is None:
            if self.pattern not in (None, Pattern.PARALLEL):
                raise InvalidValueError(
                    "area", "an area without a shape", f"{_SHAPE_NAMES} for {self.pattern} threads"
                )
            return Completion(
                points=estimate, fields={"pattern": self.pattern} if self.pattern else {}
            )
        margin = self.margin_mm or 0.0
        drawing: Layout | Threads
        if entry.thread_length is not None:
            drawing = lay_threads(
                self.shape,
                spacing,
                self.pattern or Pattern.PARALLEL,
                entry.thread_length.nominal_magnitude,
                margin,
            )
        else:
            xy, ij = lattice_points(polygon_of(self.shape), spacing, lattice, margin)
            drawing = Layout(
                shape=self.shape,
                lattice=lattice,
                spacing_mm=spacing,
                margin_mm=margin,
                xy_mm=xy,
                indices=ij,
            )
        if len(drawing) == 0:
            at_fault = "margin" if margin > 0 else "spacing"
            raise InvalidValueError(
                at_fault,
                self.margin_value if margin > 0 else quantity(spacing, "millimeter"),
                f"a {at_fault} that leaves room for at least one point in {self.shape!r}",
            )
        fields: dict[str, Any] = {"margin_mm": margin, "drawing": drawing}
        if isinstance(drawing, Threads):
            fields["total_thread_length_mm"] = drawing.total_length_mm
            fields["pattern"] = drawing.pattern
        return Completion(points=len(drawing), fields=fields)

    def _head(self, points: int, lattice: Lattice, spacing: float, drawing: Any) -> Completion:
        """Shots and warnings for the injector, once the points are known."""
        head = self.injector
        if head is None:
            return Completion(points=points)
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
        return Completion(
            points=points,
            fields={"shots": count, "needles": head.needles},
            warnings=tuple(warnings),
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
    return AreaRequest(area_mm2=read(area, "area", Dim.AREA), pattern=kind, injector=injector)


def fields_from_dict(data: dict[str, Any]) -> dict[str, Any]:
    """Plan fields this module adds, read back from Plan.to_dict() output."""
    out: dict[str, Any] = {}
    for name in ("margin", "total_thread_length"):
        entry = data.get(name)
        if entry is None:
            continue
        value = entry.get("value") if isinstance(entry, dict) else None
        if (
            isinstance(entry, dict)
            and entry.get("unit") == "mm"
            and isinstance(value, (int, float))
        ):
            out[f"{name}_mm"] = float(value)
        else:
            raise InvalidValueError(name, entry, "{'value': ..., 'unit': 'mm'}")
    for name in ("shots", "needles"):
        value = data.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidValueError(name, value, "a positive integer")
        out[name] = value
    if data.get("pattern") is not None:
        out["pattern"] = resolve(Pattern, data["pattern"], "pattern")
    return out
