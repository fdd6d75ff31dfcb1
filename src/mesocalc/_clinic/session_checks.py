"""What a session is checked against as a whole: its product's label, its summed caps, its patient.

Kept apart from the Session (``_session``), which calls these as it is made and as it warns.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from mesocalc._catalog.catalog import cite, default_catalog
from mesocalc._catalog.warnings import WarningCode, WarningRecord, record
from mesocalc._clinic.screening_rules import Severity
from mesocalc._planning import guardrails as _guardrails
from mesocalc._planning import stored as _stored
from mesocalc._planning.plan import Plan
from mesocalc._quantities.names import Side, resolve
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc._records import codec as _codec
from mesocalc.exceptions import HardLimitError, InputTypeError, InvalidValueError, MesocalcError

if TYPE_CHECKING:
    from mesocalc._clinic.recorded import RecordedSession
    from mesocalc._clinic.session import Session
    from mesocalc._quantities.names import Technique, Zone

__all__ = [
    "MAX_AREAS",
    "check_keep_outs",
    "check_label",
    "check_screening",
    "date_of",
    "plans_of",
    "screening_warnings",
    "session_caps",
    "sides_of",
]

MAX_AREAS: Final = 10_000  # a software bound on a session's areas, not a clinical one


def check_keep_outs(session: Session | RecordedSession) -> None:
    """A site plan made without the session's product lacks that product's keep-outs: refused.

    Re-cutting the plan here would change its points and volume behind the caller's back;
    refusing names the area and asks for the plan again with ``product=`` (docs/sites.md).

    Raises:
        InvalidValueError: naming ``plans[i]``, the site and the keep-outs it misses.
    """
    product = session.product
    if product is None:
        return
    for i, plan in enumerate(session.plans):
        site = plan.site
        if site is None:
            continue
        every = {z.name for z in site.keep_out(side=plan.side)}
        own = dict.fromkeys(
            z.name for z in site.keep_out(product, side=plan.side) if z.name not in every
        )
        said = [w.text for w in plan.warning_records if w.code is WarningCode.KEEP_OUT]
        missing = [n for n in own if not any(t.startswith(f"keep-out {n},") for t in said)]
        if missing:
            raise InvalidValueError(
                f"plans[{i}]",
                site.name,
                f"a plan of the {site.name} made with product={product.name!r}, its keep-outs cut",
                f"made without it, the plan does not keep out of {', '.join(missing)}: "
                "plan it again with the product",
            )


def plans_of(value: Sequence[Plan]) -> tuple[Plan, ...]:
    if not isinstance(value, (list, tuple)) or not value:
        raise InputTypeError("plans", value, "a non-empty list of mesocalc.Plan")
    if len(value) > MAX_AREAS:
        raise InvalidValueError("plans", len(value), f"at most {MAX_AREAS} areas in a session")
    for i, item in enumerate(value):
        if not isinstance(item, Plan):
            raise InputTypeError(
                f"plans[{i}]", item, "a mesocalc.Plan of one area (plans over arrays: plans[i])"
            )
    return tuple(value)


def sides_of(value: Sequence[Side | str | None] | None) -> tuple[Side | None, ...]:
    """One side (or None) per plan; () when no plan has one (the session's and its record's)."""
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)) or len(value) > MAX_AREAS:
        raise InputTypeError("sides", value, "None, or a list of 'left', 'right' or None per plan")
    sides = tuple(
        None if v is None else resolve(Side, v, f"sides[{i}]") for i, v in enumerate(value)
    )
    return sides if any(sides) else ()


def date_of(value: datetime.date | str | None) -> datetime.date | None:
    if value is None or (type(value) is datetime.date):
        return value
    if isinstance(value, str) and len(value) <= 10:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidValueError(
        "date", value, "None, a datetime.date or an ISO date such as '2026-11-26'"
    )


def check_label(session: Session | RecordedSession) -> None:
    """The product's expiry on the session's date, and its label's caps over all areas."""
    product = session.product
    if product is None:
        return
    if product.expires is not None and session.date is not None and session.date > product.expires:
        lot = f"lot {product.lot} of " if product.lot else ""
        raise InvalidValueError(
            "product",
            product.name,
            f"a product that has not expired on the session's date, {session.date.isoformat()}",
            f"{lot}{product.name} expired on {product.expires.isoformat()}",
        )
    label = product.label
    if label is None:
        return
    where = f"per treatment of {product.name}, over all areas"
    source = f"source: {cite(label.source)}; the label's cap, a hard limit"
    if session.points > label.max_injections:
        allowed = f"at most {label.max_injections} injections"
        raise HardLimitError(
            "points",
            session.points,
            f"{allowed} {where}",
            source,
            allowed=allowed,
            source=label.source,
        )
    total = session.total_volume.magnitude
    if total > label.max_volume_ml * (1 + 1e-9):
        allowed = f"at most {PARAMETERS['total_volume'].show(label.max_volume_ml, 6)}"
        raise HardLimitError(
            "total_volume",
            PARAMETERS["total_volume"].show(total, 6),
            f"{allowed} {where}",
            source,
            allowed=allowed,
            source=label.source,
        )


def session_caps(session: Session | RecordedSession) -> list[WarningRecord]:
    """The catalog's per-session caps over the areas of one use (a technique on a zone).

    Each plan was held to its use's cap alone; two areas of that use in one sitting
    share it, so their totals are held to it as one plan's are: beyond a hard cap
    refused, beyond a soft (analogue) one refused without the session's override,
    and recorded with it. The plans' catalog is the one they are read or planned
    with; a clinic's plans without it are held to the shipped cap, which their
    protocol may only narrow.
    """
    uses: dict[tuple[Technique, Zone], list[Plan]] = {}
    for p in session.plans:
        uses.setdefault((p.technique, p.zone), []).append(p)
    out: list[WarningRecord] = []
    for (tech, zone), plans in uses.items():
        if len(plans) < 2:
            continue
        try:
            book = _stored.catalog_for(plans[0].protocol, session.catalog)
        except MesocalcError:
            book = default_catalog()
        entry = book.entries.get((tech, zone)) or book.unpublished.get((tech, zone))
        if entry is None or entry.session is None:
            continue
        points = sum(p.points for p in plans)
        volume = sum(p.points * _codec.value_of(p, "volume_per_point") for p in plans)
        over = f"{len(plans)} areas of {tech.value} on the {zone.value}, summed"
        try:
            found = _guardrails.check_session(
                entry, points, volume / max(points, 1), session.override
            )
        except MesocalcError as exc:
            detail = f"{over}; {exc.detail}" if exc.detail else over
            raise type(exc)(**{**exc._fields(), "detail": detail}) from None
        out += [w.in_area(over) for w in found if w.code is WarningCode.SESSION_CAP_OVERRIDDEN]
    return out


def check_screening(session: Session | RecordedSession) -> None:
    """An absolute finding refuses the session: no override passes it."""
    result = session.screening
    if result is None or not result.absolute:
        return
    first = result.absolute[0]
    more = len(result.absolute) - 1
    detail = f"{first.reason} ({cite(first.source) if first.source else 'no source'})"
    if more:
        others = ", ".join(f.condition for f in result.absolute[1:])
        detail += f"; also absolute: {others}"
    raise HardLimitError(
        "patient",
        first.condition,
        "a patient without an absolute contraindication for this product",
        detail,
        allowed="no absolute finding in the patient's screening",
        source=first.source,
    )


def screening_warnings(session: Session) -> list[WarningRecord]:
    """The screening's relative findings, and a screening not clear, as warnings."""
    result = session.screening
    if result is None:
        return []
    out = [
        record(
            WarningCode.SCREENING_FINDING,
            f"screening: {f}",
            parameter="patient",
            basis=f.basis,
            sources=f.source,
        )
        for f in result.findings
        if f.severity is Severity.RELATIVE
    ]
    if result.unscreened or result.not_asked:
        out.append(
            record(
                WarningCode.SCREENING_INCOMPLETE,
                f"screening: {result.status}; the physician reviews what went unasked "
                "or unscreened",
                parameter="patient",
            )
        )
    return out
