"""Plan: what every plan of one area holds, and the parts that some plans add.

A plan is small: technique, zone, lattice, area, points, spacing, volume per
point, depth, angle, loss fraction, the volumes that follow, warnings, sources
and override records. What only some plans have composes around it as frozen
parts: :class:`Placement` (a shape's layout or threads, a margin, a pattern, a
head's shots), :class:`Supply` (syringes and the volume to draw up) and the
:class:`Needle`. The older attributes (``plan.margin``, ``plan.shots``,
``plan.draw_up_volume``, ...) read through to those parts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, NoReturn

import attrs

from mesocalc._catalog.entries import Protocol
from mesocalc._catalog.sites import Location
from mesocalc._catalog.warnings import WarningRecord
from mesocalc._engine import numpy_binding as _numpy
from mesocalc._planning import stored as _stored
from mesocalc._planning.derived import dose_per_area
from mesocalc._planning.migrations import SCHEMA, upgraded
from mesocalc._planning.overrides import OverrideRecord
from mesocalc._quantities import arithmetic as _core
from mesocalc._quantities.inputs import domain_error, first_index
from mesocalc._quantities.names import Lattice, Pattern, Side, Technique, Zone
from mesocalc._quantities.parameters import PARAMETERS, shown_quantity
from mesocalc._quantities.units import quantity
from mesocalc._records import codec as _codec
from mesocalc._records.tables import (
    field_rows,
    html_table,
    markdown_table,
    plural,
    shown,
    svg_map,
    text_table,
)
from mesocalc.exceptions import InputTypeError, InvalidValueError

if TYPE_CHECKING:
    import numpy as np

    from mesocalc._catalog.catalog import Catalog
    from mesocalc._geometry.chart import Chart
    from mesocalc._geometry.layout import Layout
    from mesocalc._geometry.placement import Placement
    from mesocalc._geometry.templates import Anatomy, Site
    from mesocalc._geometry.threads import Threads
    from mesocalc._planning.equipment import Needle, Supply, Syringe
    from mesocalc._planning.plan_array import PlanArray
    from mesocalc.typing import Quantity
else:
    np = _numpy.NUMPY

__all__ = [
    "RESULTS",
    "Plan",
    "check_stored",
    "clinic_protocol",
    "dose_per_area",
    "results",
]

SHIPPED_CATALOG: Final = "mesocalc default catalog"  # the shipped catalog's name

_MM2_PER_CM2: Final = PARAMETERS["area"].per_shown

# Results written beside the inputs in JSON, for readers; recomputed (and compared)
# when a plan is read back.
RESULTS: Final = (
    "total_volume",
    "expected_loss",
    "delivered_volume",
    "insertion_length",
    "dose_per_area",
)


def clinic_protocol(protocol: Protocol | None) -> Protocol | None:
    """The protocol a table names: a clinic's; the shipped catalog goes unsaid."""
    return None if protocol is None or protocol.name == SHIPPED_CATALOG else protocol


def _needle_class() -> tuple[type, ...]:
    from mesocalc._planning.equipment import Needle  # noqa: PLC0415 - loaded on first use (start-up)

    return (Needle,)


def _supply_class() -> tuple[type, ...]:
    from mesocalc._planning.equipment import Supply  # noqa: PLC0415 - loaded on first use (start-up)

    return (Supply,)


def _placement_class() -> tuple[type, ...]:
    from mesocalc._geometry.placement import Placement  # noqa: PLC0415 - loaded on first use (start-up)

    return (Placement,)


def _area_as_stored(area_mm2: float) -> float:
    """An area in cm², as tables and JSON show it: the key plans compare their areas by.

    A plan's area read back from JSON (cm² times 100) may differ from the planner's in
    the last bit; divided by 100 again it is the stored value exactly.
    """
    return area_mm2 / _MM2_PER_CM2


def results(points: Any, vpp: Any, loss: Any, depth: Any, angle: Any) -> dict[str, Any]:
    """The magnitudes that follow from a plan's inputs, by result name (but the dose per area)."""
    total, lost = _core.volumes(points, vpp, loss)
    return {
        "total_volume": total,
        "expected_loss": lost,
        "delivered_volume": total - lost,
        "insertion_length": _core.insertion_length(depth, angle),
    }


@attrs.frozen(kw_only=True)
class Plan:
    """An injection plan for one technique on one treatment area. Immutable and hashable.

    Quantities come out in mm, cm², mL and degrees; ``points`` is an int and
    ``loss_fraction`` a float. ``warnings`` lists every number the plan relies on
    that no published source states directly, and every recorded override;
    ``warning_records`` holds the same as records (code, parameter, basis, sources).
    ``overrides`` holds each departure from a recommended range (see
    :class:`OverrideRecord`). The parts ``placement``, ``supply`` and ``needle`` are
    None unless plan() was given a shape, pattern or head, a syringe, or a needle;
    ``location`` (read through ``site`` and ``side``) unless it was given a site or side.
    ``protocol`` names the catalog or clinic protocol the plan was checked against
    (None for a plan stored before plans recorded it).
    """

    technique: Technique = attrs.field(metadata=_codec.name(Technique))
    zone: Zone = attrs.field(metadata=_codec.name(Zone))
    lattice: Lattice = attrs.field(metadata=_codec.name(Lattice))
    points: int = attrs.field(metadata=_codec.whole())
    # Magnitudes in canonical units (mm², mm, mL, degrees; ADR 0001); read them through the
    # properties. Plans compare by the area as shown and stored (cm², ADR 0012): JSON reads
    # it back into mm² with at most a last-bit difference that the comparison must not see.
    _area: float = attrs.field(
        alias="area_mm2",
        eq=_area_as_stored,
        metadata=_codec.quantity_field("area", key="area"),
    )
    _spacing: float = attrs.field(alias="spacing_mm", metadata=_codec.quantity_field("spacing"))
    _volume_per_point: float = attrs.field(
        alias="volume_per_point_ml", metadata=_codec.quantity_field("volume_per_point")
    )
    _depth: float = attrs.field(alias="depth_mm", metadata=_codec.quantity_field("depth"))
    _angle: float = attrs.field(alias="angle_deg", metadata=_codec.quantity_field("angle"))
    loss_fraction: float = attrs.field(metadata=_codec.number())
    _thread_length: float | None = attrs.field(
        default=None, alias="thread_length_mm", metadata=_codec.quantity_field("thread_length")
    )
    warning_records: tuple[WarningRecord, ...] = attrs.field(
        default=(),
        alias="warnings",
        metadata=_codec.parts(_codec.one_of(WarningRecord), key="warnings"),
    )
    sources: tuple[str, ...] = attrs.field(default=(), metadata=_codec.texts())
    overrides: tuple[OverrideRecord, ...] = attrs.field(
        default=(), metadata=_codec.parts(_codec.one_of(OverrideRecord))
    )
    placement: Placement | None = attrs.field(default=None, metadata=_codec.part(_placement_class))
    supply: Supply | None = attrs.field(default=None, metadata=_codec.part(_supply_class))
    needle: Needle | None = attrs.field(default=None, metadata=_codec.part(_needle_class))
    protocol: Protocol | None = attrs.field(
        default=None, metadata=_codec.part(_codec.one_of(Protocol))
    )
    location: Location | None = attrs.field(
        default=None, metadata=_codec.part(_codec.one_of(Location))
    )

    @property
    def warnings(self) -> tuple[str, ...]:
        """The warnings as text; :attr:`warning_records` has each as a record."""
        return tuple(r.text for r in self.warning_records)

    @property
    def area(self) -> Quantity:
        """The treated area, in cm²."""
        return shown_quantity("area", self._area)

    @property
    def spacing(self) -> Quantity:
        """Distance between neighbouring points (between threads for retrograde), in mm."""
        return shown_quantity("spacing", self._spacing)

    @property
    def volume_per_point(self) -> Quantity:
        """Product per point (per thread for retrograde), in mL."""
        return shown_quantity("volume_per_point", self._volume_per_point)

    @property
    def depth(self) -> Quantity:
        """Injection depth, in mm."""
        return shown_quantity("depth", self._depth)

    @property
    def angle(self) -> Quantity:
        """Needle angle to the skin surface, in degrees."""
        return shown_quantity("angle", self._angle)

    @property
    def thread_length(self) -> Quantity | None:
        """Length of one thread for retrograde technique, in mm; None for point techniques."""
        if self._thread_length is None:
            return None
        return shown_quantity("thread_length", self._thread_length)

    @property
    def total_volume(self) -> Quantity:
        """Product injected (points times volume per point), in mL."""
        return shown_quantity("total_volume", self._total)

    @property
    def expected_loss(self) -> Quantity:
        """Product expected to be lost (left on the skin, say), in mL."""
        return shown_quantity("expected_loss", self._total * self.loss_fraction)

    @property
    def delivered_volume(self) -> Quantity:
        """Product expected to stay in the skin (total volume less expected loss), in mL."""
        return shown_quantity("delivered_volume", self._total - self._total * self.loss_fraction)

    @property
    def dose_per_area(self) -> Quantity:
        """Product injected per area (total volume over area), in mL/cm²."""
        return shown_quantity(
            "dose_per_area", dose_per_area(self._total, _area_as_stored(self._area))
        )

    @property
    def insertion_length(self) -> Quantity:
        """Needle shaft inserted to reach the depth at the angle, depth / sin(angle), in mm."""
        return shown_quantity("insertion_length", _core.insertion_length(self._depth, self._angle))

    @property
    def _total(self) -> float:
        return self.points * self._volume_per_point

    # What the parts add, read through.

    @property
    def syringe(self) -> Syringe | None:
        """The syringe the supply was planned with, or None."""
        return None if self.supply is None else self.supply.syringe

    @property
    def syringes(self) -> int | None:
        """Syringes to prepare, or None unless plan() was given a syringe."""
        return None if self.supply is None else self.supply.syringes

    @property
    def draw_up_volume(self) -> Quantity | None:
        """Product to draw up (total volume plus one dead space per syringe), in mL; else None."""
        return None if self.supply is None else self.supply.draw_up_volume

    @property
    def margin(self) -> Quantity | None:
        """Least distance from a point (or thread) to the shape's edge, in mm; else None."""
        return None if self.placement is None else self.placement.margin

    @property
    def total_thread_length(self) -> Quantity | None:
        """The summed length of retrograde threads laid over a shape, in mm; else None."""
        return None if self.placement is None else self.placement.total_thread_length

    @property
    def volume_per_cm(self) -> Quantity | None:
        """Product per cm of thread (mL/cm) on average, retrograde over a shape; else None."""
        length = None if self.placement is None else self.placement.total_thread_length_mm
        if not length:
            return None
        return quantity(self._total / length * 10.0, "milliliter / centimeter")

    @property
    def pattern(self) -> Pattern | None:
        """How retrograde threads were laid, or None."""
        return None if self.placement is None else self.placement.pattern

    @property
    def shots(self) -> int | None:
        """Placements of the injector head, or None without one."""
        return None if self.placement is None else self.placement.shots

    @property
    def needles(self) -> int | None:
        """Needles of the injector head, or None without one."""
        return None if self.placement is None else self.placement.needles

    @property
    def volume_per_needle_per_shot(self) -> Quantity | None:
        """Product each needle of an injector delivers per shot (one point's), in mL."""
        return None if self.needles is None else self.volume_per_point

    @property
    def layout(self) -> Layout | Threads | None:
        """The :class:`Layout` (points) or :class:`Threads` laid over the shape, or None."""
        return None if self.placement is None else self.placement.layout

    @property
    def site(self) -> Site | None:
        """The named site the plan lies on (``plan(site=...)``), or None."""
        name = None if self.location is None else self.location.site
        if name is None:
            return None
        from mesocalc._geometry.templates import Site  # noqa: PLC0415 - loads on first use

        return Site.named(name)

    @property
    def side(self) -> Side | None:
        """The patient's side the plan lies on (left, right or both), or None."""
        return None if self.location is None else self.location.side

    # Text and notebooks.

    def _values(self) -> dict[str, Any]:
        """Every field of :data:`~mesocalc._records.tables.FIELDS` the plan has.

        Quantities are canonical.

        Data frames read their columns from it as the tables read their rows.
        """
        placement, supply = self.placement, self.supply
        out: dict[str, Any] = {
            "technique": self.technique,
            "zone": self.zone,
            "lattice": self.lattice,
            "area": self._area,
            "points": self.points,
            "spacing": self._spacing,
            "depth": self._depth,
            "angle": self._angle,
            "thread_length": self._thread_length,
            "volume_per_point": self._volume_per_point,
            "loss_fraction": self.loss_fraction,
            **self._results(),
            "dose_per_area": dose_per_area(self._total, _area_as_stored(self._area)),
            "draw_up_volume": None if supply is None else supply.draw_up_volume.magnitude,
            "syringes": None if supply is None else supply.syringes,
            "protocol": clinic_protocol(self.protocol),
        }
        if placement is not None:
            out["margin"] = placement.margin_mm
            out["total_thread_length"] = placement.total_thread_length_mm
            out["needles"] = placement.needles
            out["shots"] = placement.shots
        return out

    def _results(self) -> dict[str, float]:
        return results(
            self.points, self._volume_per_point, self.loss_fraction, self._depth, self._angle
        )

    def _rows(self) -> list[tuple[str, str]]:
        return field_rows(self._values())

    def table(self) -> str:
        """The plan as a plain-text table, one row per quantity, as the CLI prints it."""
        return text_table(self._rows(), self.warnings)

    def __repr__(self) -> str:
        mags = self._results()
        warned = f", {plural(len(self.warnings), 'warning')}" if self.warnings else ""
        return (
            f"<Plan {self.technique.value} on {self.zone.value}, {shown('area', self._area)}: "
            f"{plural(self.points, 'point')} at {shown('spacing', self._spacing)}, "
            f"{shown('volume_per_point', self._volume_per_point)} each, "
            f"total {shown('total_volume', mags['total_volume'])}, "
            f"expected loss {shown('expected_loss', mags['expected_loss'])}"
            f"{warned}>"
        )

    def _repr_markdown_(self) -> str:
        return markdown_table(self._rows(), self.warnings)

    def _repr_html_(self) -> str:
        """The table, and below it the injection map when the plan was laid on a shape."""
        caption = f"Plan: {self.technique.value} on the {self.zone.value}"
        return html_table(self._rows(), self.warnings, caption=caption, after=self._map())

    def _map(self) -> str:
        """The injection map as inline SVG; "" without a shape, or without matplotlib."""
        drawing = self.layout
        if drawing is None:
            return ""
        what = "threads" if self.total_thread_length is not None else "points"
        return svg_map(len(drawing), what, self.plot)

    def __getitem__(self, index: Any) -> NoReturn:
        """A plan of one area has no elements (a :class:`PlanArray` has)."""
        raise InputTypeError("index", index, "no index: this plan is of one area")

    def plot(self, ax: Any = None) -> Any:
        """Draw the shape with its points or threads (matplotlib); returns the Axes.

        Raises:
            InvalidValueError: the plan's area was not a shape, so there is nothing to draw.
        """
        drawing = self.layout
        if drawing is None:
            raise InvalidValueError(
                "area", self.area, "a mesocalc shape as plan()'s area, to draw the plan"
            )
        what = f"{self.technique.value} on the {self.zone.value}: "
        length = self.total_thread_length
        if length is not None:
            what += (
                f"{self.points} threads, {shown('total_thread_length', length.magnitude)}, "
                f"{PARAMETERS['total_volume'].show(self._total, 3)}"
            )
        else:
            what += f"{self.points} points, {PARAMETERS['total_volume'].show(self._total, 3)}"
            if self.shots is not None:
                what += f", {self.shots} shots of {self.needles} needles"
        return drawing.plot(ax, title=what)

    def chart(self, *, anatomy: Anatomy | None = None, product: Any = None) -> Chart:
        """The plan as an injection chart: a standalone SVG document a clinic can embed.

        The outline (on a site: over its view's template, scaled to ``anatomy``, with the
        site's keep-out zones for ``product`` shaded), each point (each thread's entry,
        for retrograde) as a dot with its number in the order the layout lays them,
        coloured by technique, and a legend with the depth and the volume per point.

        Raises:
            InvalidValueError: the plan's area was not a shape nor a site's template
                (nowhere to put the points), or it has more points than one chart shows.
            InputTypeError: naming ``anatomy`` or ``product``.
        """
        from mesocalc._planning import charting as _charting  # noqa: PLC0415 - loaded on first use

        label = f"{self.technique.value} on the {self.zone.value}"
        return _charting.chart_of(
            [self], [label], anatomy=anatomy, product=product, title=f"Injection chart: {label}"
        )

    def _repr_svg_(self) -> str | None:
        """The chart, for notebooks; None where there is none (no shape, too many points)."""
        try:
            return self.chart().svg
        except InvalidValueError:
            return None

    # JSON.

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict naming its schema (``mesocalc.plan``) and version.

        Names are strings, quantities ``{"value", "unit"}`` in UCUM units; the
        results (total volume, ...) are written beside the inputs for readers.
        """
        out = _codec.dump(self, SCHEMA)
        found = self._results()
        found["dose_per_area"] = dose_per_area(self._total, _area_as_stored(self._area))
        for name, m in found.items():
            out[name] = {"value": m, "unit": PARAMETERS[name].json}
        return out

    @classmethod
    def from_dict(cls, data: Any, *, catalog: Catalog | None = None) -> Plan:
        """Rebuild a Plan from :meth:`to_dict` output, checked as plan() checks a new one.

        Reads every schema version mesocalc has written, mesocalc 0.1.0's
        unversioned JSON included. The results (total volume, ...) are computed
        again and must match the stored ones; a plan on a shape gets its layout
        drawn again (which needs shapely) and must hold the stored points. The
        inputs go through plan()'s limits once more (see docs/adr/0007): a record
        that contradicts itself or its catalog is refused.

        Args:
            data: a dict from :meth:`to_dict`.
            catalog: the clinic protocol the plan was made with
                (:func:`mesocalc.load_protocol`); the shipped catalog by default.

        Raises:
            MesocalcError: naming the value at fault.
        """
        data = upgraded(data)
        if isinstance(data.get("points"), list):
            raise InvalidValueError(
                "points",
                "a list",
                "one plan's point count (read plans over arrays with PlanArray.from_dict)",
            )
        body = {k: v for k, v in data.items() if k not in RESULTS}
        plan = _codec.structure(cls, body)
        site = plan.site
        if site is not None and site.zone is not plan.zone:
            raise InvalidValueError(
                "location.site", site.name, f"a site of the {plan.zone.value}", "the zone differs"
            )
        check_stored(data, plan, catalog=catalog)
        if plan.supply is not None:
            supply = type(plan.supply).of(plan._total, plan.supply.syringe)
            if supply != plan.supply:
                raise InvalidValueError(
                    "supply", data.get("supply"), f"what the plan's total needs: {supply!r}"
                )
        if plan.placement is not None:
            _stored.check_placement(plan)
        if plan.placement is not None and plan.placement.shape is not None:
            placement = plan.placement.redrawn(plan._spacing, plan.lattice, plan._thread_length)
            if placement != plan.placement or len(placement.layout or ()) != plan.points:
                raise InvalidValueError(
                    "placement",
                    data.get("placement"),
                    f"the {len(placement.layout or ())} points (or threads) of the layout on "
                    "the stored shape",
                )
            plan = attrs.evolve(plan, placement=placement)
        return plan


# A stored plan's inputs, in the order they are checked in their domains.
_STORED_INPUTS: Final = (
    "points",
    "area",
    "spacing",
    "volume_per_point",
    "depth",
    "angle",
    "loss_fraction",
    "thread_length",
)


def check_stored(
    data: dict[str, Any], plan: Plan | PlanArray, *, catalog: Catalog | None = None
) -> None:
    """Check a plan read from ``data`` as plan() checks a new one, then its stored results.

    Every value in its domain, then every rule plan() applies (against ``catalog``, see
    :mod:`mesocalc._planning.stored`), then the results as recomputed: a tampered input is named,
    not the result it changes.

    Raises:
        MesocalcError: naming the stored value at fault (and its index in an array).
    """
    values = {n: _codec.value_of(plan, n) for n in _STORED_INPUTS}
    points = np.asarray(values["points"])
    if not np.all((points >= 1) & (points <= _core.MAX_POINTS)):
        raise InvalidValueError("points", data.get("points"), "a positive integer below 2^53")
    for name, m in values.items():
        if name == "points" or m is None:
            continue
        inside = PARAMETERS[name].domain.contains(m)
        if not np.all(inside):
            index = None if np.ndim(inside) == 0 else first_index(np.logical_not(inside))
            bad = float(np.asarray(m)[index or ()])
            error = domain_error(bad, name, bad)
            raise error if index is None else error.at(index)
    if isinstance(plan, Plan):
        _stored.recheck(plan, data, catalog)
    else:
        _stored.recheck_array(plan, data, catalog)
    computed = results(
        values["points"],
        values["volume_per_point"],
        values["loss_fraction"],
        values["depth"],
        values["angle"],
    )
    computed["dose_per_area"] = dose_per_area(
        computed["total_volume"], PARAMETERS["area"].to_shown(values["area"])
    )
    for name in RESULTS:
        if name in data:
            stored = _codec.read_quantity(data[name], name, name, arrays=True)
            if np.shape(stored) != np.shape(computed[name]) or not np.allclose(
                stored, computed[name], rtol=1e-9, atol=1e-12
            ):
                raise InvalidValueError(
                    name, data[name], "the value the stored plan's inputs give"
                )
