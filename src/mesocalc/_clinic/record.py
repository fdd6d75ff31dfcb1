"""The treatment record: what a session's areas were given, from which lots, by whom, and after.

A plan is what a clinician means to do; the record is what clinic software keeps. It
starts as the session planned (``session.record(by=..., at=...)``), records each
difference with its reason (:meth:`TreatmentRecord.given`), the vials drawn from and
their reconciliation, and adverse events; once finalised it changes only by amendment,
which keeps the original. Every check runs whenever a record is built, so a record read
from JSON is checked as one made by hand.

Hard limits bind what is recorded as given as they bind a plan (ADR 0020): a depth or
a volume per point beyond a hard limit of the area's technique and zone, or totals
beyond the product label's caps per treatment, are refused (a HardLimitError) unless
the record holds an adverse event of that area (for the label's caps: of any area),
recorded in the same call. A record never says silently that a limit was passed; no
override passes a hard limit here either.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from mesocalc._catalog.catalog import Catalog, cite, default_catalog
from mesocalc._clinic import session_checks as _session_checks
from mesocalc._clinic.products import Product
from mesocalc._clinic.screening import Patient, Screening, screen
from mesocalc._clinic.vials import (
    AdverseEvent,
    Amendment,
    Deviation,
    Draw,
    Field,
    Given,
    Reason,
    Vial,
    clean_text,
    moment,
    volume_ml,
)
from mesocalc._planning import guardrails as _guardrails
from mesocalc._planning import stored as _stored
from mesocalc._planning.equipment import Needle, Supply, Syringe
from mesocalc._planning.overrides import Override
from mesocalc._planning.plan import Plan
from mesocalc._quantities.inputs import read
from mesocalc._quantities.names import Side
from mesocalc._quantities.parameters import PARAMETERS, shown_quantity
from mesocalc._records import codec as _codec
from mesocalc._records.tables import plural, shown, text_table
from mesocalc.exceptions import (
    HardLimitError,
    InputTypeError,
    InvalidValueError,
    MesocalcError,
)

if TYPE_CHECKING:
    from mesocalc._clinic.session import Session
    from mesocalc.typing import Quantity

__all__ = ["Reconciliation", "RecordedSession", "TreatmentRecord", "recall"]

SCHEMA: Final = "mesocalc.record"
_SESSION: Final = "mesocalc.session"  # the schema of the session a record writes whole
_CHANGES: Final = ("points", "volume", "depth", "needle", "lot", "draws")


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _session(inst: Any, attr: Any, value: Any) -> None:
    if not isinstance(value, RecordedSession):
        raise InputTypeError("session", value, "the session the record is of (RecordedSession.of)")


def _one(kind: type, name: str) -> Any:
    def check(inst: Any, attr: Any, value: Any) -> None:
        if value is not None and not isinstance(value, kind):
            raise InputTypeError(name, value, f"None or a mesocalc.{kind.__name__}")

    return check


def _catalog(inst: Any, attr: Any, value: Any) -> None:
    if value is not None and not isinstance(value, Catalog):
        raise InputTypeError("catalog", value, "None or a mesocalc.Catalog (load_protocol)")


@attrs.frozen(kw_only=True)
class RecordedSession:
    """What a record keeps of the session it records: the session's parts, checked as it is.

    The record sits below the session in the layers (ADR 0020), so it holds the
    session's values rather than the :class:`mesocalc.Session`; they are written as the
    session writes itself (``mesocalc.session``), and read back with the session's own
    checks (its label's caps, summed caps and screening, ``_clinic.session_checks``).
    """

    plans: tuple[Plan, ...] = attrs.field(
        converter=_session_checks.plans_of, metadata=_codec.payloads(lambda: Plan)
    )
    sides: tuple[Side | None, ...] = attrs.field(
        default=(), converter=_session_checks.sides_of, metadata=_codec.names(Side)
    )
    date: datetime.date | None = attrs.field(
        default=None, converter=_session_checks.date_of, metadata=_codec.date()
    )
    syringe: Syringe | None = attrs.field(
        default=None,
        validator=_one(Syringe, "syringe"),
        metadata=_codec.part(_codec.one_of(Syringe)),
    )
    product: Product | None = attrs.field(
        default=None,
        validator=_one(Product, "product"),
        metadata=_codec.part(_codec.one_of(Product)),
    )
    patient: Patient | None = attrs.field(
        default=None,
        validator=_one(Patient, "patient"),
        metadata=_codec.part(_codec.one_of(Patient)),
    )
    override: Override | None = attrs.field(
        default=None,
        validator=_one(Override, "override"),
        metadata=_codec.part(_codec.one_of(Override)),
    )
    # The clinic protocol the plans were made with (not written: passed again), as Session's.
    catalog: Catalog | None = attrs.field(
        default=None,
        eq=False,
        repr=False,
        validator=_catalog,
        metadata=_codec.skip(),
    )

    def __attrs_post_init__(self) -> None:
        if self.sides and len(self.sides) != len(self.plans):
            raise InvalidValueError(
                "sides",
                [None if v is None else v.value for v in self.sides],
                f"one side ('left', 'right' or None) for each of the {len(self.plans)} plans",
            )
        _session_checks.check_screening(self)
        _session_checks.check_label(self)
        _session_checks.session_caps(self)

    @classmethod
    def of(
        cls, session: Session | RecordedSession, catalog: Catalog | None = None
    ) -> RecordedSession:
        """The parts of ``session`` (a :class:`mesocalc.Session`) the record keeps.

        ``catalog``: the clinic protocol its plans were made with, if the session does not
        hold it already.
        """
        fields = [f.name for f in attrs.fields(cls)]
        if not all(hasattr(session, name) for name in fields):
            raise InputTypeError("session", session, "a mesocalc.Session")
        parts = {name: getattr(session, name) for name in fields}
        if parts["catalog"] is None and catalog is not None:
            parts["catalog"] = catalog
        elif isinstance(session, RecordedSession):
            return session
        return cls(**parts)

    @property
    def screening(self) -> Screening | None:
        """The patient screened for the product, as the session screens them."""
        if self.patient is None:
            return None
        return screen(self.patient, product=None if self.product is None else (self.product.name,))

    @property
    def points(self) -> int:
        """Injection points planned over all areas."""
        return sum(p.points for p in self.plans)

    @property
    def total_volume(self) -> Quantity:
        """Product planned over all areas, in mL."""
        return shown_quantity(
            "total_volume",
            sum(p.points * _codec.value_of(p, "volume_per_point") for p in self.plans),
        )

    def where(self, i: int) -> str:
        """Area ``i`` in words, as the session says it ("classic on the face, left")."""
        p = self.plans[i]
        side = self.sides[i] if self.sides else None
        return f"{p.technique.value} on the {p.zone.value}" + (f", {side.value}" if side else "")

    def to_dict(self) -> dict[str, Any]:
        """The session's JSON (``mesocalc.session``), as ``Session.to_dict`` writes it."""
        out = _codec.dump(self, _SESSION)
        if self.screening is not None:
            out["screening"] = _codec.unstructure(self.screening)
        return out

    @classmethod
    def from_dict(cls, data: Any, *, catalog: Catalog | None = None) -> RecordedSession:
        """The parts from a session's JSON, checked as ``Session.from_dict`` checks them."""
        stored = data.get("screening") if isinstance(data, dict) else None
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k != "screening"}
        session = _codec.load(cls, data, _SESSION, {"catalog": catalog})
        if stored is not None:
            screening = session.screening
            again = None if screening is None else _codec.unstructure(screening)
            if stored != again:
                raise InvalidValueError(
                    "screening",
                    stored,
                    "the screening of the stored patient and product, as mesocalc screens "
                    "them now (without a patient, no screening)",
                    "take the screening out of the JSON to screen the patient again",
                )
        return session


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _of(kind: type, parameter: str) -> Any:
    def check(inst: Any, attr: Any, value: Any) -> None:
        if not isinstance(value, tuple):
            raise InputTypeError(parameter, value, f"a list of mesocalc.{kind.__name__}")
        for i, item in enumerate(value):
            if not isinstance(item, kind):
                raise InputTypeError(f"{parameter}[{i}]", item, f"a mesocalc.{kind.__name__}")

    return check


def _text(inst: Any, attr: attrs.Attribute[Any], value: Any) -> None:
    clean_text(value, attr.name)


def _at(value: Any) -> datetime.datetime:
    return moment(value, "at")


def _flag(inst: Any, attr: Any, value: Any) -> None:
    if not isinstance(value, bool):
        raise InputTypeError("finalised", value, "True or False")


@attrs.frozen
class Reconciliation:
    """One vial reconciled: drawn, injected, dead space and waste, against its size (mL).

    ``dead_space`` is that of the session's syringes filled from the vial (None: the
    session names no syringe, so it is unknown); ``drawn`` is the measured volume drawn,
    or None; ``waste`` is what was drawn and neither injected nor kept in dead space,
    None when either is unknown; ``left`` is what the vial still holds, when its size
    is known.
    """

    lot: str
    injected: Quantity
    dead_space: Quantity | None
    drawn: Quantity | None
    waste: Quantity | None
    size: Quantity | None
    left: Quantity | None


def _ml(m: float | None) -> Quantity | None:
    return None if m is None else shown_quantity("total_volume", m)


@attrs.frozen(kw_only=True, repr=False)
class TreatmentRecord:
    """What each area of a session was given, from which vials, by whom and when.

    Made by :meth:`mesocalc.Session.record`; every method returns a new record.

    Examples:
        >>> import mesocalc
        >>> chin = mesocalc.plan(
        ...     technique="infiltration", zone="submental", area="10 cm^2",
        ...     spacing="1 cm", volume_per_point="0.2 mL",
        ... )
        >>> box = mesocalc.product("deoxycholic acid", lot="B123", expires="2027-03-31")
        >>> s = mesocalc.Session(plans=[chin], date="2026-12-04", product=box)
        >>> r = s.record(by="Dr A", at="2026-12-04T10:30+00:00")
        >>> r = r.given(0, points=8, reason="patient asked to stop")
        >>> print(r.deviations[0])
        infiltration on the submental: points 10 planned, 8 given (patient asked to stop)
        >>> print(r.total_volume)
        1.6 milliliter
    """

    session: RecordedSession = attrs.field(validator=_session, metadata=_codec.skip())
    by: str = attrs.field(validator=_text, metadata=_codec.text())
    at: datetime.datetime = attrs.field(converter=_at, metadata=_codec.moment())
    areas: tuple[Given, ...] = attrs.field(
        converter=_tuple, validator=_of(Given, "areas"), metadata=_codec.parts(lambda: (Given,))
    )
    vials: tuple[Vial, ...] = attrs.field(
        default=(),
        converter=_tuple,
        validator=_of(Vial, "vials"),
        metadata=_codec.parts(lambda: (Vial,)),
    )
    events: tuple[AdverseEvent, ...] = attrs.field(
        default=(),
        converter=_tuple,
        validator=_of(AdverseEvent, "events"),
        metadata=_codec.parts(lambda: (AdverseEvent,), key="adverse_events"),
    )
    finalised: bool = attrs.field(default=False, validator=_flag, metadata=_codec.flag())
    amendments: tuple[Amendment, ...] = attrs.field(
        default=(),
        converter=_tuple,
        validator=_of(Amendment, "amendments"),
        metadata=_codec.parts(lambda: (Amendment,)),
    )
    # The clinic protocol the session's plans were made with (not written: passed again).
    catalog: Catalog | None = attrs.field(
        default=None, eq=False, repr=False, validator=_catalog, metadata=_codec.skip()
    )

    def __attrs_post_init__(self) -> None:
        _Checks(self).run()

    @classmethod
    def of(
        cls,
        session: Session | RecordedSession,
        *,
        by: str,
        at: Any,
        vials: Any = None,
        catalog: Catalog | None = None,
    ) -> TreatmentRecord:
        """The record of ``session`` given as planned; :meth:`mesocalc.Session.record` is it.

        The record keeps the session's parts (:class:`RecordedSession`), not the session.
        """
        parts = RecordedSession.of(session, catalog)
        return _make(parts, by=by, at=at, vials=vials, catalog=catalog)

    # --- reading ------------------------------------------------------------------------

    @property
    def adverse_events(self) -> tuple[AdverseEvent, ...]:
        """Every adverse event: those recorded before finalising, then by amendment."""
        return self.events + tuple(
            a.adverse_event for a in self.amendments if a.adverse_event is not None
        )

    @property
    def points(self) -> int:
        """Points (threads for retrograde) given over all areas."""
        return sum(g.points for g in self.areas)

    @property
    def total_volume(self) -> Quantity:
        """Product injected over all areas, in mL."""
        return shown_quantity("total_volume", sum(g.volume_ml for g in self.areas))

    @property
    def lots(self) -> tuple[str, ...]:
        """The lots drawn from, in the order of the record's vials."""
        return tuple(v.lot for v in self.vials)

    @property
    def original(self) -> tuple[Given, ...]:
        """The areas as finalised, before any amendment."""
        out = list(self.areas)
        for a in reversed(self.amendments):
            if a.area is not None and a.before is not None and a.area < len(out):
                out[a.area] = a.before  # an area beyond the session's: refused on building
        return tuple(out)

    @property
    def deviations(self) -> tuple[Deviation, ...]:
        """Every value given otherwise than planned, area by area, with its reason."""
        out = []
        for i, (p, g) in enumerate(zip(self.session.plans, self.areas, strict=True)):
            for field, planned, given in _differences(p, g, self._default_lot):
                out.append(
                    Deviation(
                        area=i,
                        where=self.session.where(i),
                        field=field,
                        planned=planned,
                        given=given,
                        reason=g.reason(field) or "",
                    )
                )
        return tuple(out)

    @property
    def _default_lot(self) -> str | None:
        product = self.session.product
        return None if product is None else product.lot

    def reconciliation(self) -> tuple[Reconciliation, ...]:
        """Each vial reconciled: drawn, injected, dead space, waste, and what it has left."""
        return tuple(_reconcile(self, v) for v in self.vials)

    def uses(self, lot: str) -> tuple[int, ...]:
        """The areas (indices) given product of ``lot``."""
        return tuple(i for i, g in enumerate(self.areas) if any(d.lot == lot for d in g.draws))

    # --- changing -----------------------------------------------------------------------

    def _open(self, what: str) -> None:
        if self.finalised:
            raise InvalidValueError(
                "record",
                "finalised",
                f"a record not yet finalised, to {what}",
                "a finalised record changes only by record.amend(by=..., reason=..., ...)",
            )

    def given(
        self,
        area: int,
        *,
        reason: str,
        points: Any = None,
        volume: Any = None,
        depth: Any = None,
        needle: Needle | None = None,
        lot: str | None = None,
        draws: Mapping[str, Any] | None = None,
        adverse_event: AdverseEvent | None = None,
    ) -> TreatmentRecord:
        """The record with area ``area`` given otherwise than planned, and why.

        ``points`` alone (an area stopped early) gives the planned volume per point at
        each; ``volume`` is the area's total; ``lot`` draws it all from one vial of the
        record, ``draws`` splits it (``{"B1": "0.6 mL", "B2": "0.4 mL"}``). A value beyond a
        hard limit needs ``adverse_event`` in the same call (see the module's rule).

        Raises:
            MesocalcError: a blank reason, a finalised record, a lot not among the
                record's vials, a lot expired on the day given, a volume beyond what the
                vials hold, a hard limit passed without an adverse event; naming the
                value at fault. The record is unchanged.
        """
        self._open("record what was given")
        changes = {
            k: v
            for k, v in {
                "points": points,
                "volume": volume,
                "depth": depth,
                "needle": needle,
                "lot": lot,
                "draws": draws,
            }.items()
            if v is not None
        }
        index = self._area(area)
        clean_text(reason, "reason")
        new = self._changed(index, changes, reason)
        events = self.events
        if adverse_event is not None:
            events += (_for_area(adverse_event, index),)
        return self._evolved(index, areas=_replaced(self.areas, index, new), events=events)

    def _evolved(self, index: int | None, **changes: Any) -> TreatmentRecord:
        """The record with ``changes``, its errors naming the area's value as given() took it."""
        try:
            return attrs.evolve(self, **changes)
        except MesocalcError as exc:
            prefix = f"areas[{index}]."
            if index is not None and exc.parameter.startswith(prefix):
                fields = {**exc._fields(), "parameter": exc.parameter.removeprefix(prefix)}
                raise type(exc)(**fields) from None
            raise

    def _area(self, area: Any) -> int:
        n = len(self.session.plans)
        if isinstance(area, bool) or not isinstance(area, int) or not 0 <= area < n:
            raise InvalidValueError(
                "area", area, f"the index of an area of the session, 0 to {n - 1}"
            )
        return area

    def _changed(self, i: int, changes: dict[str, Any], reason: str) -> Given:
        """Area ``i`` with ``changes``; the reason kept for each value that now differs."""
        if not changes:
            raise InvalidValueError(
                "changes", {}, f"at least one of {', '.join(_CHANGES)} given otherwise"
            )
        plan, old = self.session.plans[i], self.areas[i]
        points = old.points if "points" not in changes else _count(changes["points"])
        if "volume" in changes:
            volume = volume_ml(changes["volume"], "volume")
        elif "draws" in changes:  # the area's volume is what was drawn for it
            volume = sum(d.volume_ml for d in self._draws(old, changes, 0.0))
        elif "points" in changes:
            volume = points * _codec.value_of(plan, "volume_per_point")
        else:
            volume = old.volume_ml
        depth = old.depth_mm if "depth" not in changes else read(changes["depth"], "depth")
        needle = changes.get("needle", old.needle)
        if not isinstance(needle, (Needle, type(None))):
            raise InputTypeError("needle", needle, "a mesocalc.Needle")
        draws = self._draws(old, changes, volume)
        touched = {Field(k) for k in changes if k != "draws"} | (
            {Field.LOT} if {"draws", "lot"} & changes.keys() else set()
        )
        if {"points", "draws"} & changes.keys() and "volume" not in changes:
            touched.add(Field.VOLUME)
        new = Given(points=points, volume_ml=volume, depth_mm=depth, needle=needle, draws=draws)
        differing = {f for f, _, _ in _differences(plan, new, self._default_lot)}
        reasons = [r for r in old.reasons if r.field in differing and r.field not in touched]
        reasons += [Reason(field=f, reason=reason) for f in Field if f in differing & touched]
        return attrs.evolve(new, reasons=tuple(reasons))

    def _draws(self, old: Given, changes: dict[str, Any], volume: float) -> tuple[Draw, ...]:
        if "draws" in changes:
            raw = changes["draws"]
            if not isinstance(raw, Mapping) or len(raw) > len(self.vials) + 1:
                raise InputTypeError(
                    "draws",
                    raw,
                    "a dict of lot to volume, such as {'B1': '0.6 mL', 'B2': '0.4 mL'}",
                )
            return tuple(
                Draw(lot=k, volume_ml=volume_ml(v, f"draws[{k!r}]")) for k, v in raw.items()
            )
        lots = list(dict.fromkeys(d.lot for d in old.draws)) or [
            changes.get("lot") or self._first_lot()
        ]
        if "lot" in changes:
            lots = [changes["lot"]]
        elif len(lots) > 1 and not _close(volume, old.volume_ml):
            raise InvalidValueError(
                "draws",
                None,
                "the volume from each lot, draws={'B1': '0.5 mL', 'B2': '0.3 mL'}",
                f"the area drew from {len(lots)} lots: which gave the new volume?",
            )
        if len(lots) > 1:
            return old.draws
        return (Draw(lot=lots[0], volume_ml=volume),) if volume > 0 else ()

    def _first_lot(self) -> str:
        return self._default_lot or (self.vials[0].lot if self.vials else "")

    def vial(self, product: Any, *, drawn: Any = None, size: Any = None) -> TreatmentRecord:
        """The record with one more vial (a Product with its lot) drawn from; see :class:`Vial`."""
        self._open("add a vial")
        return attrs.evolve(
            self, vials=(*self.vials, Vial(product=product, drawn=drawn, size=size))
        )

    def adverse_event(
        self,
        *,
        kind: Any,
        severity: Any,
        onset: Any,
        action: str,
        lot: str | None = None,
        area: int | None = None,
    ) -> TreatmentRecord:
        """The record with an adverse event (see :class:`mesocalc.AdverseEvent`).

        A finalised record takes one by amendment: ``record.amend(by=..., reason=...,
        adverse_event=mesocalc.AdverseEvent(...))``.
        """
        self._open("record an adverse event")
        event = AdverseEvent(
            kind=kind, severity=severity, onset=onset, action=action, lot=lot, area=area
        )
        return attrs.evolve(self, events=(*self.events, event))

    def finalise(self) -> TreatmentRecord:
        """The record locked: from now on it changes only by :meth:`amend`."""
        return self if self.finalised else attrs.evolve(self, finalised=True)

    def amend(
        self,
        *,
        by: str,
        reason: str,
        at: Any,
        note: str | None = None,
        area: int | None = None,
        adverse_event: AdverseEvent | None = None,
        **changes: Any,
    ) -> TreatmentRecord:
        """The finalised record amended: the original kept, an :class:`Amendment` appended.

        An amendment may be a ``note`` alone, an ``adverse_event``, or a change of one
        ``area``'s values (``points``, ``volume``, ``depth``, ``needle``, ``lot``,
        ``draws``, as :meth:`given` takes them), with who (``by``), when (``at``) and why.

        Raises:
            MesocalcError: a record not finalised (use :meth:`given`), a blank reason,
                nothing amended, an unknown change, or any check of the amended record.
        """
        if not self.finalised:
            raise InvalidValueError(
                "record",
                "not finalised",
                "a finalised record: before finalise(), record.given(...) changes it",
            )
        clean_text(reason, "reason")
        clean_text(by, "by")
        unknown = sorted(set(changes) - set(_CHANGES))
        if unknown:
            raise InvalidValueError(
                "changes", unknown, f"note, adverse_event, or area with {', '.join(_CHANGES)}"
            )
        changes = {k: v for k, v in changes.items() if v is not None}
        if area is None and changes:
            raise InvalidValueError("area", None, "the index of the area the changes are of")
        if note is None and adverse_event is None and area is None:
            raise InvalidValueError(
                "changes", {}, "a note, an adverse_event, or an area with its changes"
            )
        last = self.amendments[-1].at if self.amendments else self.at
        if moment(at, "at") < last:
            raise InvalidValueError(
                "at", str(at), f"a time on or after {last.isoformat()}, the record's last"
            )
        before = after = None
        areas = self.areas
        if area is not None:
            index = self._area(area)
            before, after = self.areas[index], self._changed(index, changes, reason)
            areas = _replaced(areas, index, after)
        if adverse_event is not None and not isinstance(adverse_event, AdverseEvent):
            raise InputTypeError("adverse_event", adverse_event, "None or a mesocalc.AdverseEvent")
        amendment = Amendment(
            by=by,
            at=at,
            reason=reason,
            note=note,
            area=area,
            before=before,
            after=after,
            adverse_event=adverse_event,
        )
        return self._evolved(area, areas=areas, amendments=(*self.amendments, amendment))

    # --- output -------------------------------------------------------------------------

    def rows(self) -> list[tuple[str, str]]:
        """One row per area as given, then the vials and the record's state."""
        rows = []
        for i, g in enumerate(self.areas):
            lots = ", ".join(f"{d.lot} {shown('total_volume', d.volume_ml)}" for d in g.draws)
            rows.append(
                (
                    f"{i + 1}. {self.session.where(i)}",
                    f"{plural(g.points, 'point')}, {shown('total_volume', g.volume_ml)} at "
                    f"{shown('depth', g.depth_mm)}" + (f"; {lots}" if lots else ""),
                )
            )
        rows.append(("by", f"{self.by}, {self.at.isoformat()}"))
        for r in self.reconciliation():
            rows.append(
                (f"lot {r.lot}", f"injected {shown('total_volume', r.injected.magnitude)}")
            )
        rows.append(("state", "finalised" if self.finalised else "open"))
        rows += [(f"amended {a.at.isoformat()}", f"{a.by}: {a.reason}") for a in self.amendments]
        return rows

    def table(self) -> str:
        """The record as a plain-text table, with its deviations and adverse events."""
        rows = self.rows()
        rows += [("deviation", str(d)) for d in self.deviations]
        rows += [
            ("adverse event", f"{e.kind.value} ({e.severity.value}), {e.action}")
            for e in self.adverse_events
        ]
        return text_table(rows, ())

    def __repr__(self) -> str:
        state = "finalised" if self.finalised else "open"
        return (
            f"<TreatmentRecord of {plural(len(self.areas), 'area')} by {self.by} at "
            f"{self.at.isoformat()}: {plural(self.points, 'point')}, "
            f"{shown('total_volume', self.total_volume.magnitude)}, "
            f"{plural(len(self.deviations), 'deviation')}, {state}>"
        )

    def to_fhir(
        self,
        *,
        patient: Any = None,
        version: Any = "R5",
        bundle: Any = "collection",
        catalog: Catalog | None = None,
    ) -> dict[str, Any]:
        """The record as a FHIR Bundle (a JSON-ready dict), R5 or R4; docs/fhir.md shows one.

        What was given, not what was planned: a Procedure for the sitting (its performer
        who gave it), a Medication per vial (GTIN, lot, expiry), a MedicationAdministration
        per lot drawn in each area (its dose what was injected from that lot, its notes
        the deviations), an AdverseEvent per event and a Provenance per amendment.

        Args:
            patient: a reference to the patient, such as ``"Patient/123"``.
            version: "R5" (the default) or "R4".
            bundle: "collection" (the default) or "transaction", which a FHIR server
                takes in one POST, every reference resolving inside it.
            catalog: the catalog of the zones' codes (the record's, else the shipped one).

        Raises:
            MesocalcError: no patient or a wrong one, a version or bundle type other
                than those above.
        """
        from mesocalc._clinic.fhir_record import record_bundle  # noqa: PLC0415 - on first use

        book = self.catalog if catalog is None else catalog
        return record_bundle(self, patient=patient, catalog=book, version=version, kind=bundle)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict naming its schema (``mesocalc.record``), its session whole."""
        out = _codec.dump(self, SCHEMA)
        return {**out, "session": self.session.to_dict()}

    @classmethod
    def from_dict(cls, data: Any, *, catalog: Catalog | None = None) -> TreatmentRecord:
        """Rebuild a record from :meth:`to_dict` output, every check run again.

        ``catalog`` is the clinic protocol the session's plans were made with.
        """
        kwargs = _codec.arguments(cls, data, SCHEMA)  # every part read and checked
        assert isinstance(data, dict)  # arguments() refuses anything else
        try:
            session = RecordedSession.from_dict(data.get("session"), catalog=catalog)
        except MesocalcError as exc:
            fields = {**exc._fields(), "parameter": f"session.{exc.parameter}"}
            raise type(exc)(**fields) from None
        return cls(session=session, catalog=catalog, **kwargs)


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputTypeError("points", value, "a whole number of points, 0 or more")
    if not 0 <= value <= 10**9:
        raise InvalidValueError("points", value, "a whole number of points, 0 or more")
    return value


def _for_area(event: Any, index: int) -> AdverseEvent:
    if not isinstance(event, AdverseEvent):
        raise InputTypeError("adverse_event", event, "None or a mesocalc.AdverseEvent")
    return event if event.area is not None else attrs.evolve(event, area=index)


def _replaced(areas: tuple[Given, ...], i: int, new: Given) -> tuple[Given, ...]:
    return (*areas[:i], new, *areas[i + 1 :])


def planned(plan: Plan, lot: str | None) -> Given:
    """What an area is given when given as planned, drawn from ``lot``."""
    volume = plan.points * _codec.value_of(plan, "volume_per_point")
    draws = (Draw(lot=lot, volume_ml=volume),) if lot is not None and volume > 0 else ()
    return Given(
        points=plan.points,
        volume_ml=volume,
        depth_mm=_codec.value_of(plan, "depth"),
        needle=plan.needle,
        draws=draws,
    )


def _differences(plan: Plan, g: Given, lot: str | None) -> Iterator[tuple[Field, str, str]]:
    """(field, planned, given) for each value of ``g`` that differs from ``plan``."""
    volume = plan.points * _codec.value_of(plan, "volume_per_point")
    if g.points != plan.points:
        yield Field.POINTS, str(plan.points), str(g.points)
    if not _close(g.volume_ml, volume):
        yield Field.VOLUME, shown("total_volume", volume), shown("total_volume", g.volume_ml)
    if not _close(g.depth_mm, _codec.value_of(plan, "depth")):
        yield (
            Field.DEPTH,
            shown("depth", _codec.value_of(plan, "depth")),
            shown("depth", g.depth_mm),
        )
    if g.needle != plan.needle:
        yield Field.NEEDLE, repr(plan.needle), repr(g.needle)
    lots = [d.lot for d in g.draws]
    if lot is not None and lots and lots != [lot]:
        yield Field.LOT, lot, ", ".join(lots)


def _reconcile(record: TreatmentRecord, vial: Vial) -> Reconciliation:
    injected = sum(d.volume_ml for g in record.areas for d in g.draws if d.lot == vial.lot)
    syringe = record.session.syringe
    dead: float | None = None
    if syringe is not None:
        dead = (
            Supply.of(injected, syringe).draw_up_volume.magnitude - injected if injected else 0.0
        )
    drawn = vial._drawn
    waste = None if drawn is None or dead is None else max(drawn - injected - dead, 0.0)
    used = drawn if drawn is not None else injected + (dead or 0.0)
    left = None if vial._size is None else max(vial._size - used, 0.0)
    return Reconciliation(
        lot=vial.lot,
        injected=shown_quantity("total_volume", injected),
        dead_space=_ml(dead),
        drawn=_ml(drawn),
        waste=_ml(waste),
        size=_ml(vial._size),
        left=_ml(left),
    )


class _Checks:
    """Every check of a record, run whenever one is built (by hand, by a change, from JSON)."""

    def __init__(self, record: TreatmentRecord) -> None:
        self.r = record
        self.s = record.session
        self.day = record.at.date()

    def run(self) -> None:
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
        if not _close(drawn, g.volume_ml):
            raise InvalidValueError(
                f"{at}.draws",
                shown("total_volume", drawn),
                f"the area's volume, {shown('total_volume', g.volume_ml)}, drawn from the vials",
                "the lots of what was given are not recorded" if not g.draws else "",
            )
        plan = self.s.plans[i]
        for field, _, _ in _differences(plan, g, self.r._default_lot):
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
            if not _close(g.depth_mm, _codec.value_of(plan, "depth")):
                _guardrails.choose(
                    shown_quantity("depth", g.depth_mm), "depth", entry.depth, entry
                )
                _guardrails.check_cap(entry, book.cap(entry.zone), g.depth_mm)
                _guardrails.check_layer(entry, book.layer_thickness(entry.zone), g.depth_mm)
            if g.points and not _close(
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
            rec = _reconcile(r, v)
            need = rec.injected.magnitude + (
                0.0 if rec.dead_space is None else rec.dead_space.magnitude
            )
            if v._drawn is not None and v._drawn < need * (1 - 1e-9):
                raise InvalidValueError(
                    f"vials[{j}].drawn",
                    shown("total_volume", v._drawn),
                    f"at least {shown('total_volume', need)}: injected plus dead space",
                )
            if v._size is None:
                continue
            if v._drawn is not None and v._drawn > v._size * (1 + 1e-9):
                raise InvalidValueError(
                    f"vials[{j}].drawn",
                    shown("total_volume", v._drawn),
                    f"at most the vial's size, {shown('capacity', v._size)}",
                )
            total = 0.0
            for i, g in enumerate(r.areas):
                total += sum(d.volume_ml for d in g.draws if d.lot == v.lot)
                if total > v._size * (1 + 1e-9):
                    raise InvalidValueError(
                        f"areas[{i}].volume",
                        shown("total_volume", g.volume_ml),
                        f"at most what lot {v.lot}'s vial holds, {shown('capacity', v._size)}, "
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


def recall(records: Iterable[TreatmentRecord], *, lot: str) -> list[tuple[TreatmentRecord, int]]:
    """Every (record, area) given product of ``lot``: whom to call back when a lot is recalled.

    Examples:
        >>> import mesocalc
        >>> mesocalc.recall([], lot="B123")
        []
    """
    clean_text(lot, "lot")
    if isinstance(records, (str, bytes, Mapping)) or not isinstance(records, Iterable):
        raise InputTypeError("records", records, "a list of mesocalc.TreatmentRecord")
    out = []
    for k, r in enumerate(records):
        if not isinstance(r, TreatmentRecord):
            raise InputTypeError(f"records[{k}]", r, "a mesocalc.TreatmentRecord")
        out += [(r, i) for i in r.uses(lot)]
    return out


def _make(
    session: RecordedSession,
    *,
    by: Any,
    at: Any,
    vials: Any = None,
    catalog: Catalog | None = None,
) -> TreatmentRecord:
    """The record of ``session`` given as planned (Session.record's body)."""
    product = session.product
    own = [Vial(product=product)] if product is not None and product.lot is not None else []
    if vials is not None and not isinstance(vials, (list, tuple)):
        raise InputTypeError("vials", vials, "a list of mesocalc.Vial")
    extra = list(vials or [])
    for i, v in enumerate(extra):
        if not isinstance(v, Vial):
            raise InputTypeError(f"vials[{i}]", v, "a mesocalc.Vial")
    if own and any(v.lot == own[0].lot for v in extra):
        own = []  # the caller's vial of the session's lot, with its size
    everything = own + extra
    lots = [v.lot for v in everything]
    own_lot = None if product is None else product.lot
    lot = own_lot if own_lot in lots else (lots[0] if lots else None)
    if lot is None:
        raise InvalidValueError(
            "vials",
            vials,
            "the vials given from: a session product with its lot, or vials=[mesocalc.Vial(...)]",
            "a record names the lot of everything given",
        )
    areas = [planned(p, lot) for p in session.plans]
    return TreatmentRecord(
        session=session, by=by, at=at, areas=areas, vials=everything, catalog=catalog
    )
