"""The checks of a treatment record, run whenever one is built, and the hard-limit rule.

It exists to keep every check of a record (areas, vials and their reconciliation, the
label's caps, adverse events, amendments) and the rule that hard limits bind what is
given as they bind a plan (ADR 0020) in one place, apart from the record's own module,
which would otherwise pass the project's limit on a module's size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesocalc._catalog.catalog import cite, default_catalog
from mesocalc._clinic import record_changes as _changes
from mesocalc._clinic.vials import Given, Vial
from mesocalc._planning import guardrails as _guardrails
from mesocalc._planning import stored as _stored
from mesocalc._planning.equipment import Supply
from mesocalc._planning.plan import Plan
from mesocalc._quantities.parameters import PARAMETERS, shown_quantity
from mesocalc._records import codec as _codec
from mesocalc._records.tables import shown
from mesocalc.exceptions import HardLimitError, InvalidValueError, MesocalcError

if TYPE_CHECKING:
    from mesocalc._clinic.record import TreatmentRecord

__all__ = ["Checks", "injected_and_dead"]


def injected_and_dead(record: TreatmentRecord, vial: Vial) -> tuple[float, float | None]:
    """The mL injected from ``vial`` over the areas, and the dead space of filling them.

    The dead space is that of the session's syringes (None: the session names none).
    """
    injected = sum(d.volume_ml for g in record.areas for d in g.draws if d.lot == vial.lot)
    syringe = record.session.syringe
    dead: float | None = None
    if syringe is not None:
        dead = (
            Supply.of(injected, syringe).draw_up_volume.magnitude - injected if injected else 0.0
        )
    return injected, dead


class Checks:
    """Every check of a record, run whenever one is built (by hand, by a change, from JSON).

    ``Checks(record).run()`` raises the first check that fails; the record calls it.
    """

    def __init__(self, record: TreatmentRecord) -> None:
        self.r = record
        self.s = record.session
        self.day = record.at.date()

    def run(self) -> None:
        """Run every check of the record, in order."""
        r = self.r
        if len(r.areas) != len(self.s.plans):
            raise InvalidValueError(
                "areas", len(r.areas), f"one per area of the session, {len(self.s.plans)}"
            )
        if self.s.date is not None and self.day < self.s.date:
            raise InvalidValueError(
                "at",
                r.at.isoformat(),
                f"a time on or after the session's date, {self.s.date.isoformat()}",
            )
        self._vials()
        lots = {v.lot for v in r.vials}
        for i, g in enumerate(r.areas):
            self._area(f"areas[{i}]", i, g, lots)
        for k, a in enumerate(r.amendments):
            if a.area is not None and a.before is not None and a.area < len(self.s.plans):
                self._area(f"amendments[{k}].before", a.area, a.before, lots)
        self._reconciled()
        self._label()
        self._events(lots)
        self._amendments()

    def _vials(self) -> None:
        seen: set[str] = set()
        for j, v in enumerate(self.r.vials):
            if v.lot in seen:
                raise InvalidValueError(
                    f"vials[{j}].product.lot", v.lot, "one vial per lot (give their combined size)"
                )
            seen.add(v.lot)
            expires = v.product.expires
            if expires is not None and self.day > expires:
                raise InvalidValueError(
                    f"vials[{j}].product.expires",
                    expires.isoformat(),
                    f"a product in date on {self.day.isoformat()}, the day it was given",
                    f"lot {v.lot} of {v.product.name} expired on {expires.isoformat()}",
                )

    def _event_in(self, i: int) -> bool:
        return any(e.area == i for e in self.r.adverse_events)

    def _area(self, at: str, i: int, g: Given, lots: set[str]) -> None:
        if (g.points == 0) != (g.volume_ml == 0):
            raise InvalidValueError(
                f"{at}.volume",
                shown("total_volume", g.volume_ml),
                "no volume for no points, and some for some",
                f"{g.points} points",
            )
        used: set[str] = set()
        for d in g.draws:
            if d.lot not in lots:
                raise InvalidValueError(
                    f"{at}.lot",
                    d.lot,
                    "a lot of the record's vials: " + (", ".join(sorted(lots)) or "none yet"),
                    "add its vial with record.vial(product, ...) first",
                )
            if d.lot in used or d.volume_ml <= 0:
                raise InvalidValueError(f"{at}.draws", d.lot, "each lot once, with some volume")
            used.add(d.lot)
        drawn = sum(d.volume_ml for d in g.draws)
        if not _changes.close(drawn, g.volume_ml):
            raise InvalidValueError(
                f"{at}.draws",
                shown("total_volume", drawn),
                f"the area's volume, {shown('total_volume', g.volume_ml)}, drawn from the vials",
                "the lots of what was given are not recorded" if not g.draws else "",
            )
        plan = self.s.plans[i]
        for field, _, _ in _changes.differences(plan, g, _changes.default_lot(self.s)):
            if g.reason(field) is None:
                raise InvalidValueError(
                    f"{at}.reasons", field.value, "a reason for each value given otherwise"
                )
        if not self._event_in(i):
            self._hard(at, plan, g)

    def _hard(self, at: str, plan: Plan, g: Given) -> None:
        """A value beyond a hard limit, with no adverse event of the area recorded."""
        try:
            book = _stored.catalog_for(plan.protocol, self.r.catalog)
        except MesocalcError:
            book = default_catalog()  # a clinic's limits may only narrow the shipped ones
        entry = book.spec(plan.technique, plan.zone)
        tail = " (or record an adverse event of the area in the same call)"
        try:
            if not _changes.close(g.depth_mm, _codec.value_of(plan, "depth")):
                _guardrails.choose(
                    shown_quantity("depth", g.depth_mm), "depth", entry.depth, entry
                )
                _guardrails.check_cap(entry, book.cap(entry.zone), g.depth_mm)
                _guardrails.check_layer(entry, book.layer_thickness(entry.zone), g.depth_mm)
            if g.points and not _changes.close(
                g.volume_ml / g.points, _codec.value_of(plan, "volume_per_point")
            ):
                vpp = shown_quantity("volume_per_point", g.volume_ml / g.points)
                _guardrails.choose(vpp, "volume_per_point", entry.volume_per_point, entry)
        except HardLimitError as exc:
            name = "depth" if exc.parameter == "depth" else "volume"
            fields = {**exc._fields(), "parameter": f"{at}.{name}"}
            fields["expected"] = str(fields["expected"]) + tail
            raise type(exc)(**fields) from None

    def _reconciled(self) -> None:
        r = self.r
        for j, v in enumerate(r.vials):
            injected, dead = injected_and_dead(r, v)
            need = injected + (0.0 if dead is None else dead)
            drawn = None if v.drawn is None else v.drawn.magnitude
            size = None if v.size is None else v.size.magnitude
            if drawn is not None and drawn < need * (1 - 1e-9):
                raise InvalidValueError(
                    f"vials[{j}].drawn",
                    shown("total_volume", drawn),
                    f"at least {shown('total_volume', need)}: injected plus dead space",
                )
            if size is None:
                continue
            if drawn is not None and drawn > size * (1 + 1e-9):
                raise InvalidValueError(
                    f"vials[{j}].drawn",
                    shown("total_volume", drawn),
                    f"at most the vial's size, {shown('capacity', size)}",
                )
            total = 0.0
            for i, g in enumerate(r.areas):
                total += sum(d.volume_ml for d in g.draws if d.lot == v.lot)
                if total > size * (1 + 1e-9):
                    raise InvalidValueError(
                        f"areas[{i}].volume",
                        shown("total_volume", g.volume_ml),
                        f"at most what lot {v.lot}'s vial holds, {shown('capacity', size)}, "
                        "over all areas",
                        f"{shown('total_volume', total)} drawn from it by this area",
                    )

    def _label(self) -> None:
        """The product label's caps per treatment, over the given amounts."""
        product = self.s.product
        label = None if product is None else product.label
        if label is None or any(True for _ in self.r.adverse_events):
            return
        assert product is not None
        source = f"source: {cite(label.source)}; the label's cap, a hard limit"
        where = f"per treatment of {product.name}, over all areas as given"
        if self.r.points > label.max_injections:
            allowed = f"at most {label.max_injections} injections"
            raise HardLimitError(
                "points", self.r.points, f"{allowed} {where}", source,
                allowed=allowed, source=label.source,
            )  # fmt: skip
        total = self.r.total_volume.magnitude
        if total > label.max_volume_ml * (1 + 1e-9):
            allowed = f"at most {PARAMETERS['total_volume'].show(label.max_volume_ml, 6)}"
            raise HardLimitError(
                "volume", shown("total_volume", total), f"{allowed} {where}", source,
                allowed=allowed, source=label.source,
            )  # fmt: skip

    def _events(self, lots: set[str]) -> None:
        first = self.s.date or self.day
        n = len(self.s.plans)
        for k, e in enumerate(self.r.adverse_events):
            at = f"adverse_events[{k}]"
            if e.area is not None and e.area >= n:
                raise InvalidValueError(
                    f"{at}.area", e.area, f"an area of the session, 0 to {n - 1}"
                )
            if e.lot is not None and e.lot not in lots:
                raise InvalidValueError(f"{at}.lot", e.lot, "a lot of the record's vials")
            if e.lot is not None and e.area is not None and e.area not in self.r.uses(e.lot):
                raise InvalidValueError(
                    f"{at}.lot", e.lot, f"a lot drawn in area {e.area}, {self.s.where(e.area)}"
                )
            if e.onset.date() < first:
                raise InvalidValueError(
                    f"{at}.onset",
                    e.onset.isoformat(),
                    f"a time on or after the session's date, {first.isoformat()}",
                )

    def _amendments(self) -> None:
        r = self.r
        if r.amendments and not r.finalised:
            raise InvalidValueError("amendments", len(r.amendments), "none before finalising")
        state = list(r.original)
        last = r.at
        for k, a in enumerate(r.amendments):
            if a.at < last:
                raise InvalidValueError(
                    f"amendments[{k}].at",
                    a.at.isoformat(),
                    f"a time on or after {last.isoformat()}, the record's or the last amendment's",
                )
            last = a.at
            if a.area is not None:
                if a.area >= len(state) or state[a.area] != a.before:
                    raise InvalidValueError(
                        f"amendments[{k}].before",
                        a.area,
                        "the area's values before this amendment",
                    )
                state[a.area] = a.after  # type: ignore[assignment] # set with before, checked
        if tuple(state) != r.areas:
            raise InvalidValueError("areas", "amended", "the areas the amendments lead to")
