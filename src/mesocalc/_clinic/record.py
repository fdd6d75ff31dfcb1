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
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from mesocalc._catalog.catalog import Catalog
from mesocalc._clinic import record_changes as _changes
from mesocalc._clinic import record_checks as _checks
from mesocalc._clinic.recorded import RecordedSession, check_catalog
from mesocalc._clinic.vials import (
    AdverseEvent,
    Amendment,
    Deviation,
    Given,
    Vial,
    clean_text,
    moment,
)
from mesocalc._planning.equipment import Needle
from mesocalc._quantities.parameters import shown_quantity
from mesocalc._records import codec as _codec
from mesocalc._records.tables import plural, shown, text_table
from mesocalc.exceptions import (
    InputTypeError,
    InvalidValueError,
    MesocalcError,
)

if TYPE_CHECKING:
    from mesocalc._clinic.session import Session
    from mesocalc.typing import Quantity

__all__ = ["Reconciliation", "RecordedSession", "TreatmentRecord", "recall"]

SCHEMA: Final = "mesocalc.record"


def _session(inst: Any, attr: Any, value: Any) -> None:
    if not isinstance(value, RecordedSession):
        raise InputTypeError("session", value, "the session the record is of (RecordedSession.of)")


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
        default=None, eq=False, repr=False, validator=check_catalog, metadata=_codec.skip()
    )

    def __attrs_post_init__(self) -> None:
        _checks.Checks(self).run()

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
            for field, planned, given in _changes.differences(p, g, self._default_lot):
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
        return _changes.default_lot(self.session)

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
        new = _changes.changed(self, index, changes, reason)
        events = self.events
        if adverse_event is not None:
            events += (_changes.for_area(adverse_event, index),)
        return self._evolved(index, areas=_changes.replaced(self.areas, index, new), events=events)

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
        unknown = sorted(set(changes) - set(_changes.CHANGES))
        if unknown:
            raise InvalidValueError(
                "changes",
                unknown,
                f"note, adverse_event, or area with {', '.join(_changes.CHANGES)}",
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
            before, after = self.areas[index], _changes.changed(self, index, changes, reason)
            areas = _changes.replaced(areas, index, after)
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


def _reconcile(record: TreatmentRecord, vial: Vial) -> Reconciliation:
    injected, dead = _checks.injected_and_dead(record, vial)
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
    areas = [_changes.planned(p, lot) for p in session.plans]
    return TreatmentRecord(
        session=session, by=by, at=at, areas=areas, vials=everything, catalog=catalog
    )
