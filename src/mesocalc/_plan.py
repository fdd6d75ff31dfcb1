"""plan(): how many points, how much product, how much lost, within the catalog's limits."""

from __future__ import annotations

import functools
from typing import Any, Final

import attrs

from mesocalc import _core
from mesocalc._catalog import Basis, Catalog, Range, Spec, default_catalog
from mesocalc._inputs import read
from mesocalc._layout import Layout
from mesocalc._names import Lattice, Pattern, Technique, Zone, resolve
from mesocalc._shaped import fields_from_dict, read_area
from mesocalc._threads import Threads
from mesocalc._units import Dim, quantity
from mesocalc.exceptions import InputTypeError, InvalidValueError, SoftLimitError

__all__ = ["Plan", "plan"]

# Each plan field with a unit: the pint unit results use, and the unit shown in to_dict().
_UNITS: Final = {
    "area": ("centimeter ** 2", "cm^2", 0.01),
    "spacing": ("millimeter", "mm", 1.0),
    "volume_per_point": ("milliliter", "mL", 1.0),
    "depth": ("millimeter", "mm", 1.0),
    "angle": ("degree", "deg", 1.0),
    "thread_length": ("millimeter", "mm", 1.0),
    "total_volume": ("milliliter", "mL", 1.0),
    "expected_loss": ("milliliter", "mL", 1.0),
    "delivered_volume": ("milliliter", "mL", 1.0),
    "margin": ("millimeter", "mm", 1.0),
    "total_thread_length": ("millimeter", "mm", 1.0),
}


@attrs.frozen(kw_only=True)
class Plan:
    """An injection plan for one technique on one treatment area. Immutable.

    Quantities come out in mm, cm², mL and degrees; ``points`` is an int and
    ``loss_fraction`` a float. ``warnings`` lists every number the plan relies on
    that no published source states directly.
    """

    technique: Technique
    zone: Zone
    lattice: Lattice
    points: int
    loss_fraction: float
    warnings: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    # Magnitudes in canonical units (mm, mm², mL, degrees); read them through the properties.
    _area: float = attrs.field(alias="area_mm2")
    _spacing: float = attrs.field(alias="spacing_mm")
    _volume_per_point: float = attrs.field(alias="volume_per_point_ml")
    _depth: float = attrs.field(alias="depth_mm")
    _angle: float = attrs.field(alias="angle_deg")
    _thread_length: float | None = attrs.field(default=None, alias="thread_length_mm")
    # Set when the area is a shape (issue 3): see mesocalc._shaped.
    _margin: float | None = attrs.field(default=None, alias="margin_mm")
    _total_thread_length: float | None = attrs.field(default=None, alias="total_thread_length_mm")
    pattern: Pattern | None = None
    shots: int | None = None
    needles: int | None = None
    _drawing: Layout | Threads | None = attrs.field(
        default=None, alias="drawing", eq=False, repr=False
    )

    @property
    def area(self) -> Any:
        """The treated area, in cm²."""
        return quantity(self._area / 100.0, "centimeter ** 2")

    @property
    def spacing(self) -> Any:
        """Distance between neighbouring points (between threads for retrograde), in mm."""
        return quantity(self._spacing, "millimeter")

    @property
    def volume_per_point(self) -> Any:
        """Product per point (per thread for retrograde), in mL."""
        return quantity(self._volume_per_point, "milliliter")

    @property
    def depth(self) -> Any:
        """Injection depth, in mm."""
        return quantity(self._depth, "millimeter")

    @property
    def angle(self) -> Any:
        """Needle angle to the skin surface, in degrees."""
        return quantity(self._angle, "degree")

    @property
    def thread_length(self) -> Any:
        """Length of one thread for retrograde technique, in mm; None for point techniques."""
        return None if self._thread_length is None else quantity(self._thread_length, "millimeter")

    @property
    def total_volume(self) -> Any:
        """Product injected: points x volume per point, in mL."""
        return quantity(self._total, "milliliter")

    @property
    def expected_loss(self) -> Any:
        """Product expected to be lost (left on the skin, say), in mL."""
        return quantity(self._total * self.loss_fraction, "milliliter")

    @property
    def delivered_volume(self) -> Any:
        """Product expected to stay in the skin: total volume less expected loss, in mL."""
        return quantity(self._total - self._total * self.loss_fraction, "milliliter")

    @property
    def _total(self) -> float:
        return self.points * self._volume_per_point

    def _magnitudes(self) -> dict[str, float | None]:
        total, loss = _core.volumes(self.points, self._volume_per_point, self.loss_fraction)
        return {
            "area": self._area,
            "spacing": self._spacing,
            "volume_per_point": self._volume_per_point,
            "depth": self._depth,
            "angle": self._angle,
            "thread_length": self._thread_length,
            "total_volume": total,
            "expected_loss": loss,
            "delivered_volume": total - loss,
            "margin": self._margin,
            "total_thread_length": self._total_thread_length,
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: names as strings, quantities as ``{"value", "unit"}``."""
        out: dict[str, Any] = {
            "technique": self.technique.value,
            "zone": self.zone.value,
            "lattice": self.lattice.value,
            "points": self.points,
            "loss_fraction": self.loss_fraction,
        }
        for name, value in self._magnitudes().items():
            if value is not None:
                _, unit, factor = _UNITS[name]
                out[name] = {"value": value * factor, "unit": unit}
        out.update(self._shape_dict())
        out["warnings"] = list(self.warnings)
        out["sources"] = list(self.sources)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        """Rebuild a Plan from :meth:`to_dict` output (for stored plans)."""
        if not isinstance(data, dict):
            raise InputTypeError("data", data, "a dict from Plan.to_dict()")

        def mag(name: str) -> float:
            entry = data.get(name)
            if not isinstance(entry, dict) or entry.get("unit") != _UNITS[name][1]:
                raise InvalidValueError(
                    name, entry, f"{{'value': ..., 'unit': '{_UNITS[name][1]}'}}"
                )
            value = entry.get("value")
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InvalidValueError(name, value, "a number")
            return float(value) / _UNITS[name][2]

        points = data.get("points")
        if isinstance(points, bool) or not isinstance(points, int) or points < 1:
            raise InvalidValueError("points", points, "a positive integer")
        loss = data.get("loss_fraction")
        if isinstance(loss, bool) or not isinstance(loss, (int, float)) or not 0 <= loss < 1:
            raise InvalidValueError("loss_fraction", loss, "a fraction in [0, 1)")
        return cls(
            technique=resolve(Technique, data.get("technique"), "technique"),
            zone=resolve(Zone, data.get("zone"), "zone"),
            lattice=resolve(Lattice, data.get("lattice"), "lattice"),
            points=points,
            loss_fraction=float(loss),
            warnings=tuple(str(w) for w in data.get("warnings", ())),
            sources=tuple(str(s) for s in data.get("sources", ())),
            area_mm2=mag("area"),
            spacing_mm=mag("spacing"),
            volume_per_point_ml=mag("volume_per_point"),
            depth_mm=mag("depth"),
            angle_deg=mag("angle"),
            thread_length_mm=mag("thread_length") if "thread_length" in data else None,
            **fields_from_dict(data),
        )

    def table(self) -> str:
        """The plan as a plain-text table, one row per quantity, as the CLI prints it."""
        rows = [
            ("technique", self.technique.value),
            ("zone", self.zone.value),
            ("lattice", self.lattice.value),
        ]
        mags = self._magnitudes()
        for name in ("area", "spacing", "depth", "angle", "thread_length", "volume_per_point"):
            if mags[name] is not None:
                rows.append((name, _show(name, mags[name])))
        rows.insert(4, ("points", str(self.points)))
        rows.append(("loss_fraction", f"{self.loss_fraction:g}"))
        for name in ("total_volume", "expected_loss", "delivered_volume"):
            rows.append((name, _show(name, mags[name])))
        width = max(len(k) for k, _ in rows)
        lines = [f"{k:<{width}}  {v}" for k, v in rows]
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def __repr__(self) -> str:
        mags = self._magnitudes()
        return (
            f"<Plan {self.technique.value} on {self.zone.value}, {_show('area', mags['area'])}: "
            f"{self.points} points at {_show('spacing', mags['spacing'])}, "
            f"{_show('volume_per_point', mags['volume_per_point'])} each, "
            f"total {_show('total_volume', mags['total_volume'])}, "
            f"expected loss {_show('expected_loss', mags['expected_loss'])}"
            f"{f', {len(self.warnings)} warnings' if self.warnings else ''}>"
        )

    def _repr_markdown_(self) -> str:
        lines = ["| quantity | value |", "|---|---|"]
        lines += [f"| {row} |" for row in self.table().replace("  ", " | ", 1).splitlines()]
        return "\n".join(
            line if not line.startswith("| warning") else f"| ⚠ | {line[11:]}" for line in lines
        )

    # Shapes, threads and injector heads (issue 3).

    @property
    def margin(self) -> Any:
        """Least distance from a point (or thread) to the shape's edge, in mm; else None."""
        return None if self._margin is None else quantity(self._margin, "millimeter")

    @property
    def total_thread_length(self) -> Any:
        """Retrograde threads laid over a shape: their summed length, in mm; else None."""
        if self._total_thread_length is None:
            return None
        return quantity(self._total_thread_length, "millimeter")

    @property
    def volume_per_cm(self) -> Any:
        """Retrograde over a shape: product per cm of thread (mL/cm), on average; else None."""
        if not self._total_thread_length:
            return None
        return quantity(self._total / self._total_thread_length * 10.0, "milliliter / centimeter")

    @property
    def volume_per_needle_per_shot(self) -> Any:
        """With an injector: product each needle delivers per shot (one point's), in mL."""
        return None if self.needles is None else self.volume_per_point

    @property
    def layout(self) -> Layout | Threads | None:
        """The :class:`Layout` (points) or :class:`Threads` laid over the shape, or None."""
        return self._drawing

    def plot(self, ax: Any = None) -> Any:
        """Draw the shape with its points or threads (matplotlib); returns the Axes.

        Raises:
            InvalidValueError: the plan's area was not a shape, so there is nothing to draw.
        """
        if self._drawing is None:
            raise InvalidValueError(
                "area", self.area, "a mesocalc shape as plan()'s area, to draw the plan"
            )
        from mesocalc._plot import plot_plan  # noqa: PLC0415 - matplotlib is optional

        return plot_plan(self, ax)

    def _shape_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.pattern is not None:
            out["pattern"] = self.pattern.value
        for name in ("shots", "needles"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        if self._total_thread_length:
            out["volume_per_cm"] = {"value": self.volume_per_cm.magnitude, "unit": "mL/cm"}
        return out


def _show(name: str, magnitude: float | None) -> str:
    _, unit, factor = _UNITS[name]
    return f"{(magnitude or 0.0) * factor:.4g} {unit.replace('^2', '²')}"


@functools.cache
def _spec_warnings(entry: Spec) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Warnings for the unsourced or analogue ranges of an entry, and all its sources."""
    warnings = []
    sources = dict.fromkeys(entry.sources)
    for name, r in entry.ranges().items():
        sources.update(dict.fromkeys(r.sources))
        if r.basis in (Basis.UNSOURCED, Basis.ANALOGUE):
            warnings.append(f"{name} ({r.describe()}) is {r.basis.value}: {r.note}")
    return tuple(warnings), tuple(sources)


def _choose(value: Any, parameter: str, r: Range, entry: Spec) -> float:
    """The caller's value, checked against the range, or the range's nominal value."""
    if value is None:
        return r.nominal_magnitude
    m = read(value, parameter, _DIMS[parameter])
    if not r.contains(m):
        raise SoftLimitError(
            parameter,
            value,
            f"{r.describe()} for {entry.technique.value} on the {entry.zone.value}",
            f"source: {r.source}",
            allowed=r.describe(),
            source=r.source,
        )
    return m


_DIMS: Final = {
    "spacing": Dim.LENGTH,
    "volume_per_point": Dim.VOLUME,
    "depth": Dim.LENGTH,
    "angle": Dim.ANGLE,
    "loss_fraction": Dim.FRACTION,
}


def plan(
    *,
    technique: Technique | str,
    zone: Zone | str,
    area: Any,
    spacing: Any = None,
    volume_per_point: Any = None,
    depth: Any = None,
    angle: Any = None,
    loss_fraction: Any = None,
    lattice: Lattice | str = "square",
    margin: Any = None,
    injector: Any = None,
    pattern: Pattern | str | None = None,
    catalog: Catalog | None = None,
) -> Plan:
    """Plan injections of ``technique`` over ``area`` of ``zone``.

    Every parameter left as None takes the catalog's nominal value for that zone and
    technique: the midpoint of a closed published range, the one bound of a range
    published as "at most", and for the loss fraction the upper bound where a
    source gives one ("up to 50 %"), so that product is never under-provisioned.

    Points are ceil(area / cell), with cell = spacing² on a square lattice and
    (√3/2)·spacing² on a hexagonal one; retrograde threads cover spacing x thread
    length each.

    Args:
        technique: a :class:`Technique` or its name ("classic", "nappage", ...).
        zone: a :class:`Zone` or its name ("face", "periorbital", ...).
        area: the treated area, a pint Quantity or a string such as "40 cm^2", or a
            shape (:class:`Rectangle`, ...), whose exact :func:`layout` then gives the
            points (see docs/shapes.md).
        spacing: distance between points (between threads for retrograde).
        volume_per_point: product per point (per thread for retrograde).
        depth: injection depth.
        angle: needle angle to the skin surface, in (0, 90] degrees.
        loss_fraction: fraction of product expected to be lost, in [0, 1).
        lattice: "square" or "hex".
        margin: with a shape as area, least distance from a point to its edge.
        injector: a multi-needle :class:`Injector`; the plan then reports ``shots``.
        pattern: for retrograde threads over a shape: "parallel", "crosshatch" or "fan".
        catalog: a clinic's own catalog (see :func:`load_catalog`); the shipped
            one by default.

    Returns:
        An immutable :class:`Plan`.

    Raises:
        SoftLimitError: a parameter outside the catalog's range (a LimitError).
        HardLimitError: the technique is not used in the zone (a LimitError).
        MesocalcError: any other bad input; the message names the parameter.

    Examples:
        >>> import mesocalc
        >>> p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
        >>> p.points, p.spacing, p.total_volume
        (72, <Quantity(7.5, 'millimeter')>, <Quantity(1.44, 'milliliter')>)
        >>> mesocalc.plan(technique="nappage", zone="face", area="1 cm^2").expected_loss
        <Quantity(0.0..., 'milliliter')>
    """
    entry = (catalog or default_catalog()).spec(technique, zone)
    grid = resolve(Lattice, lattice, "lattice")
    shaped = read_area(area, margin=margin, pattern=pattern, injector=injector)
    area_mm2 = shaped.area_mm2
    s = _choose(shaped.spacing(spacing), "spacing", entry.spacing, entry)
    vpp = _choose(volume_per_point, "volume_per_point", entry.volume_per_point, entry)
    d = _choose(depth, "depth", entry.depth, entry)
    a = _choose(angle, "angle", entry.angle, entry)
    loss = _choose(loss_fraction, "loss_fraction", entry.loss_fraction, entry)
    thread = None
    if entry.thread_length is not None:
        if grid is not Lattice.SQUARE:
            raise InvalidValueError(
                "lattice", lattice, "'square' for retrograde threads (parallel rows)"
            )
        thread = entry.thread_length.nominal_magnitude
        cell = s * thread
    else:
        cell = _core.cell_area(s, grid)
    warnings, sources = _spec_warnings(entry)
    extra = shaped.complete(entry, grid, s, _core.count_cells(area_mm2, cell))
    return Plan(
        technique=entry.technique,
        zone=entry.zone,
        lattice=grid,
        points=extra.points,
        loss_fraction=loss,
        warnings=warnings + extra.warnings,
        sources=sources,
        area_mm2=area_mm2,
        spacing_mm=s,
        volume_per_point_ml=vpp,
        depth_mm=d,
        angle_deg=a,
        thread_length_mm=thread,
        **extra.fields,
    )
