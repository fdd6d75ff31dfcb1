"""plan(): how many points, how much product, how much lost, within the catalog's limits."""

from __future__ import annotations

import functools
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final, cast

import attrs
import numpy as np

from mesocalc import _core, _guardrails
from mesocalc._catalog import Basis, Catalog, Spec, default_catalog
from mesocalc._core import Magnitudes
from mesocalc._guardrails import Override, OverrideRecord
from mesocalc._inputs import read
from mesocalc._names import Lattice, Pattern, Technique, Zone, resolve
from mesocalc._units import MAX_ELEMENTS, Dim, any_array, is_quantity, quantity
from mesocalc.exceptions import InputTypeError, InvalidValueError

__all__ = ["Plan", "plan"]

# to_dict() keeps canonical units so that from_dict(to_dict(plan)) == plan exactly.
_JSON_UNITS: Final = {
    "area": "mm^2",
    "spacing": "mm",
    "volume_per_point": "mL",
    "depth": "mm",
    "angle": "deg",
    "thread_length": "mm",
    "total_volume": "mL",
    "expected_loss": "mL",
    "delivered_volume": "mL",
    "insertion_length": "mm",
    "draw_up_volume": "mL",
    "margin": "mm",
    "total_thread_length": "mm",
}


if TYPE_CHECKING:
    from numpy.typing import NDArray

    from mesocalc._equipment import Needle, Syringe
    from mesocalc._injector import Injector
    from mesocalc._layout import Layout
    from mesocalc._threads import Threads


def _same(a: Any, b: Any) -> bool:
    return a is b or bool(np.array_equal(a, b))


# Plans over arrays compare element by element (and, like arrays, are not hashable).
_EQ: Final = attrs.cmp_using(eq=_same)


@attrs.frozen(kw_only=True)
class Plan:
    """An injection plan for one technique on one treatment area. Immutable.

    Quantities come out in mm, cm², mL and degrees; ``points`` is an int and
    ``loss_fraction`` a float. ``warnings`` lists every number the plan relies on
    that no published source states directly, and every recorded override.
    ``overrides`` holds each departure from a recommended range (see
    :class:`OverrideRecord`); ``needle``, ``syringe``, ``syringes`` and
    ``draw_up_volume`` are set when plan() was given equipment.

    A plan over arrays (see :func:`plan`) holds numpy arrays of one shape,
    :attr:`shape`, in every numeric field: ``points`` an integer array, the
    Quantities array-valued; ``plan[i]`` is the plan of one element.
    """

    technique: Technique
    zone: Zone
    lattice: Lattice
    points: int | NDArray[np.int64] = attrs.field(eq=_EQ)
    loss_fraction: Magnitudes = attrs.field(eq=_EQ)
    warnings: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    # Magnitudes in canonical units (mm, mm², mL, degrees); read them through the properties.
    _area: Magnitudes = attrs.field(alias="area_mm2", eq=_EQ)
    _spacing: Magnitudes = attrs.field(alias="spacing_mm", eq=_EQ)
    _volume_per_point: Magnitudes = attrs.field(alias="volume_per_point_ml", eq=_EQ)
    _depth: Magnitudes = attrs.field(alias="depth_mm", eq=_EQ)
    _angle: Magnitudes = attrs.field(alias="angle_deg", eq=_EQ)
    _thread_length: Magnitudes | None = attrs.field(default=None, alias="thread_length_mm", eq=_EQ)
    overrides: tuple[OverrideRecord, ...] = ()
    needle: Needle | None = None
    syringe: Syringe | None = None
    syringes: int | None = None
    _insertion_length: Magnitudes | None = attrs.field(
        default=None, alias="insertion_length_mm", eq=_EQ
    )
    _draw_up_volume: float | None = attrs.field(default=None, alias="draw_up_volume_ml")
    # Set when the area is a shape: see mesocalc._shaped.
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
    def _total(self) -> Magnitudes:
        return cast("Magnitudes", self.points * self._volume_per_point)

    def _magnitudes(self) -> dict[str, Magnitudes | None]:
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
            "insertion_length": self._insertion_length,
            "draw_up_volume": self._draw_up_volume,
            "margin": self._margin,
            "total_thread_length": self._total_thread_length,
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: names as strings, quantities as ``{"value", "unit"}``."""
        out: dict[str, Any] = {
            "technique": self.technique.value,
            "zone": self.zone.value,
            "lattice": self.lattice.value,
            "points": _json(self.points),
            "loss_fraction": _json(self.loss_fraction),
        }
        for name, value in self._magnitudes().items():
            if value is not None:
                out[name] = {"value": _json(value), "unit": _JSON_UNITS[name]}
        out.update(_guardrails.extra_to_dict(self))
        out.update(self._shape_dict())
        out["warnings"] = list(self.warnings)
        out["sources"] = list(self.sources)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        """Rebuild a Plan from :meth:`to_dict` output (for stored plans)."""
        if not isinstance(data, dict):
            raise InputTypeError("data", data, "a dict from Plan.to_dict()")

        def mag(name: str) -> Any:
            entry = data.get(name)
            unit = _JSON_UNITS[name]
            if not isinstance(entry, dict) or entry.get("unit") != unit:
                raise InvalidValueError(name, entry, f"{{'value': ..., 'unit': '{unit}'}}")
            return _stored(name, entry.get("value"))

        points = _stored("points", data.get("points"), integer=True)
        if not np.all(np.asarray(points) >= 1):
            raise InvalidValueError("points", data.get("points"), "a positive integer")
        loss = _stored("loss_fraction", data.get("loss_fraction"))
        if not np.all((np.asarray(loss) >= 0) & (np.asarray(loss) < 1)):
            raise InvalidValueError(
                "loss_fraction", data.get("loss_fraction"), "a fraction in [0, 1)"
            )
        return cls(
            technique=resolve(Technique, data.get("technique"), "technique"),
            zone=resolve(Zone, data.get("zone"), "zone"),
            lattice=resolve(Lattice, data.get("lattice"), "lattice"),
            points=points,
            loss_fraction=loss,
            warnings=tuple(str(w) for w in data.get("warnings", ())),
            sources=tuple(str(s) for s in data.get("sources", ())),
            area_mm2=mag("area"),
            spacing_mm=mag("spacing"),
            volume_per_point_ml=mag("volume_per_point"),
            depth_mm=mag("depth"),
            angle_deg=mag("angle"),
            thread_length_mm=mag("thread_length") if "thread_length" in data else None,
            insertion_length_mm=mag("insertion_length") if "insertion_length" in data else None,
            draw_up_volume_ml=mag("draw_up_volume") if "draw_up_volume" in data else None,
            **_guardrails.extra_fields(data),
            **_shaped().fields_from_dict(data),
        )

    @property
    def insertion_length(self) -> Any:
        """Needle shaft inserted to reach the depth at the angle, depth / sin(angle), in mm."""
        return None if self._insertion_length is None else quantity(self._insertion_length, "mm")

    @property
    def draw_up_volume(self) -> Any:
        """Product to draw up: total volume plus one dead space per syringe, in mL.

        None unless plan() was given a syringe.
        """
        return None if self._draw_up_volume is None else quantity(self._draw_up_volume, "mL")

    def _rows(self) -> list[tuple[str, str]]:
        mags = self._magnitudes()
        rows = [
            ("technique", self.technique.value),
            ("zone", self.zone.value),
            ("lattice", self.lattice.value),
            ("area", _show("area", mags["area"])),
            ("points", str(self.points)),
        ]
        for name in ("spacing", "depth", "angle", "thread_length", "volume_per_point"):
            if mags[name] is not None:
                rows.append((name, _show(name, mags[name])))
        rows.append(("loss_fraction", f"{self.loss_fraction:g}"))
        rows += [
            (n, _show(n, mags[n])) for n in ("total_volume", "expected_loss", "delivered_volume")
        ]
        for name in ("margin", "total_thread_length", "insertion_length", "draw_up_volume"):
            if mags[name] is not None:
                rows.append((name, _show(name, mags[name])))
        for name in ("syringes", "needles", "shots"):
            if getattr(self, name) is not None:
                rows.append((name, str(getattr(self, name))))
        return rows

    def table(self) -> str:
        """The plan as a plain-text table, one row per quantity, as the CLI prints it."""
        if self.shape:
            return _array_text(self, "table")
        rows = self._rows()
        width = max(len(k) for k, _ in rows)
        lines = [f"{k:<{width}}  {v}" for k, v in rows]
        return "\n".join(lines + [f"warning: {w}" for w in self.warnings])

    def __repr__(self) -> str:
        if self.shape:
            return _array_text(self, "repr")
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
        lines += [f"| {k} | {v} |" for k, v in self._rows()]
        lines += [f"| warning | {w} |" for w in self.warnings]
        return "\n".join(lines)

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of a plan over arrays; ``()`` for a plan of one area."""
        return np.shape(self.points)

    def __getitem__(self, index: Any) -> Plan:
        """The plan of one element (or of a slice) of a plan over arrays."""
        if not self.shape:
            raise InputTypeError("index", index, "no index: this plan is of one area")
        from mesocalc._vectorised import take  # noqa: PLC0415 - it imports this module

        return take(self, index)

    # Shapes, threads and injector heads.

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


def _shaped() -> ModuleType:
    """Shapes, layouts, threads and heads, imported when a plan first uses them."""
    from mesocalc import _shaped  # noqa: PLC0415 - kept out of `import mesocalc`

    return _shaped


def _stored(name: str, value: Any, *, integer: bool = False) -> Any:
    """A number from :meth:`Plan.to_dict`, or a (nested) list of them for a plan over arrays."""
    expected = "an integer" if integer else "a number"
    if isinstance(value, list):
        try:
            array = np.array(value)
        except ValueError:  # ragged nesting
            raise InvalidValueError(name, value, f"{expected}, or a list of them") from None
        if array.size > MAX_ELEMENTS or array.dtype.kind not in ("iu" if integer else "iuf"):
            raise InvalidValueError(name, value, f"{expected}, or a list of them")
        array = array.astype(np.int64 if integer else np.float64)
        array.setflags(write=False)  # plans are immutable
        return array
    if isinstance(value, bool) or not isinstance(value, int if integer else (int, float)):
        raise InvalidValueError(name, value, expected)
    return int(value) if integer else float(value)


def _json(value: Any) -> Any:
    return value.tolist() if isinstance(value, np.ndarray) else value


def _array_text(p: Plan, form: str) -> str:
    from mesocalc._vectorised import describe  # noqa: PLC0415 - it imports this module

    return describe(p, form)


_SHOWN: Final = {"mm^2": ("cm²", 0.01), "deg": ("deg", 1.0), "mm": ("mm", 1.0), "mL": ("mL", 1.0)}


def _show(name: str, magnitude: Magnitudes | None) -> str:
    unit, factor = _SHOWN[_JSON_UNITS[name]]
    return f"{(magnitude or 0.0) * factor:.4g} {unit}"


def _thread_length(entry: Spec, grid: Lattice, lattice: Any) -> float | None:
    """The length of one retrograde thread (None for point techniques), on a square grid only."""
    if entry.thread_length is None:
        return None
    if grid is not Lattice.SQUARE:
        raise InvalidValueError(
            "lattice", lattice, "'square' for retrograde threads (parallel rows)"
        )
    return entry.thread_length.nominal_magnitude


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
    catalog: Catalog | None = None,
    margin: Any = None,
    injector: Injector | None = None,
    pattern: Pattern | str | None = None,
    override: Override | None = None,
    needle: Needle | None = None,
    syringe: Syringe | None = None,
) -> Plan:
    """Plan injections of ``technique`` over ``area`` of ``zone``.

    Every parameter left as None takes the catalog's nominal value for that zone and
    technique: the midpoint of a closed published range, the one bound of a range
    published as "at most", and for the loss fraction the upper bound where a
    source gives one ("up to 50 %"), so that product is never under-provisioned.

    Points are ceil(area / cell), with cell = spacing² on a square lattice and
    (√3/2)·spacing² on a hexagonal one; retrograde threads cover spacing x thread
    length each.

    Area and the numeric parameters may be arrays (a Quantity with a numpy array
    magnitude, or a list, tuple or array of strings such as ``["4 cm^2", "40 cm^2"]``);
    they broadcast together as numpy arrays do, and the plan holds arrays of the
    broadcast shape. Every element is checked as a scalar would be; an error names
    the parameter and the first offending index (``error.index``). Overrides,
    needles and syringes are for plans of one area.

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
        catalog: a clinic's own catalog (see :func:`load_catalog`); the shipped
            one by default.
        margin: with a shape as area, least distance from a point to its edge.
        injector: a multi-needle :class:`Injector`; the plan then reports ``shots``.
        pattern: for retrograde threads over a shape: "parallel", "crosshatch" or "fan".
        override: an :class:`Override` with the reason for departing from
            recommended ranges; each departure is recorded in ``plan.overrides``.
            Hard limits pass with no override.
        needle: a :class:`Needle`: refused (hard) if shorter than the insertion
            length depth / sin(angle).
        syringe: a :class:`Syringe`: sets ``draw_up_volume`` and ``syringes``.

    Returns:
        An immutable :class:`Plan`.

    Raises:
        SoftLimitError: a parameter outside the catalog's range, without an
            override (a LimitError).
        HardLimitError: a limit no override passes (a LimitError): the technique
            is not used in the zone, a value outside its domain or a hard range,
            a depth leaving the technique's skin layer, a session cap, a short
            needle. See docs/guardrails.md.
        MesocalcError: any other bad input; the message names the parameter.

    Examples:
        >>> import mesocalc
        >>> p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
        >>> p.points, p.spacing, p.total_volume
        (72, <Quantity(7.5, 'millimeter')>, <Quantity(1.44, 'milliliter')>)
        >>> mesocalc.plan(technique="nappage", zone="face", area="1 cm^2").expected_loss
        <Quantity(0.0..., 'milliliter')>
        >>> mesocalc.plan(technique="classic", zone="face", area=["4 cm^2", "40 cm^2"]).points
        array([ 8, 72])
    """
    if any_array(area, spacing, volume_per_point, depth, angle, loss_fraction):
        from mesocalc._vectorised import plan_array  # noqa: PLC0415 - it imports this module

        extras: dict[str, Any] = {"override": override, "needle": needle, "syringe": syringe}
        extras.update(margin=margin, injector=injector, pattern=pattern)
        for name, value in extras.items():
            if value is not None:
                raise InvalidValueError(
                    name, value, f"no {name} with array inputs: plan each area on its own"
                )
        return plan_array(
            technique=technique,
            zone=zone,
            area=area,
            spacing=spacing,
            volume_per_point=volume_per_point,
            depth=depth,
            angle=angle,
            loss_fraction=loss_fraction,
            lattice=lattice,
            catalog=catalog,
        )
    book = catalog or default_catalog()
    entry = book.spec(technique, zone)
    guard = _guardrails.Guard.start(entry, book, override)
    grid = resolve(Lattice, lattice, "lattice")
    shaped = None
    if (
        margin is None
        and injector is None
        and pattern is None
        and (isinstance(area, str) or is_quantity(area))
    ):
        area_mm2 = read(area, "area", Dim.AREA)
    else:
        shaped = _shaped().read_area(area, margin=margin, pattern=pattern, injector=injector)
        area_mm2 = shaped.area_mm2
        spacing = shaped.spacing(spacing)
    s = guard.choose(spacing, "spacing", entry.spacing)
    vpp = guard.choose(volume_per_point, "volume_per_point", entry.volume_per_point)
    d = guard.choose(depth, "depth", entry.depth)
    a = guard.choose(angle, "angle", entry.angle)
    loss = guard.choose(loss_fraction, "loss_fraction", entry.loss_fraction)
    thread = _thread_length(entry, grid, lattice)
    points = _core.count_cells(area_mm2, _core.cell_area(s, grid, thread))
    warnings, sources = _spec_warnings(entry)
    fields: dict[str, Any] = {}
    if shaped is not None:
        extra = shaped.complete(entry, grid, s, points)
        points, fields, warnings = extra.points, extra.fields, warnings + extra.warnings
    guarded = guard.finish(
        points=points, depth=d, angle=a, volume_per_point=vpp, needle=needle, syringe=syringe
    )
    more = guarded.pop("warnings")
    return Plan(
        technique=entry.technique,
        zone=entry.zone,
        lattice=grid,
        points=points,
        loss_fraction=loss,
        warnings=(*warnings, *more) if more else warnings,
        sources=sources,
        area_mm2=area_mm2,
        spacing_mm=s,
        volume_per_point_ml=vpp,
        depth_mm=d,
        angle_deg=a,
        thread_length_mm=thread,
        **guarded,
        **fields,
    )
