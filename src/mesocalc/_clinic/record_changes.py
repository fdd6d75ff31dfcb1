"""Changes to a treatment record's areas: given otherwise than planned, and amended.

It exists to keep what an area is given as planned, how a change (``given``, ``amend``)
makes an area's new values, and the differences between what was given and what was
planned in one place that the record and its checks both read, apart from the record's
own module, which would otherwise pass the project's limit on a module's size.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from mesocalc._clinic.vials import AdverseEvent, Draw, Field, Given, Reason, volume_ml
from mesocalc._planning.equipment import Needle
from mesocalc._planning.plan import Plan
from mesocalc._quantities.inputs import read
from mesocalc._records import codec as _codec
from mesocalc._records.tables import shown
from mesocalc.exceptions import InputTypeError, InvalidValueError

if TYPE_CHECKING:
    from mesocalc._clinic.record import TreatmentRecord
    from mesocalc._clinic.recorded import RecordedSession

__all__ = [
    "CHANGES",
    "changed",
    "close",
    "count",
    "default_lot",
    "differences",
    "for_area",
    "planned",
    "replaced",
]

# The values of an area that given() and amend() change.
CHANGES: Final = ("points", "volume", "depth", "needle", "lot", "draws")


def close(a: float, b: float) -> bool:
    """Whether two magnitudes are the same value (given as planned)."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def default_lot(session: RecordedSession) -> str | None:
    """The lot of the session's product: what an area is drawn from unless it says."""
    product = session.product
    return None if product is None else product.lot


def count(value: Any) -> int:
    """``points`` as given: a whole number, 0 or more."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputTypeError("points", value, "a whole number of points, 0 or more")
    if not 0 <= value <= 10**9:
        raise InvalidValueError("points", value, "a whole number of points, 0 or more")
    return value


def for_area(event: Any, index: int) -> AdverseEvent:
    """``event``, of area ``index`` unless it names its own."""
    if not isinstance(event, AdverseEvent):
        raise InputTypeError("adverse_event", event, "None or a mesocalc.AdverseEvent")
    return event if event.area is not None else attrs.evolve(event, area=index)


def replaced(areas: tuple[Given, ...], i: int, new: Given) -> tuple[Given, ...]:
    """``areas`` with area ``i`` now ``new``."""
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


def differences(plan: Plan, g: Given, lot: str | None) -> Iterator[tuple[Field, str, str]]:
    """(field, planned, given) for each value of ``g`` that differs from ``plan``."""
    volume = plan.points * _codec.value_of(plan, "volume_per_point")
    if g.points != plan.points:
        yield Field.POINTS, str(plan.points), str(g.points)
    if not close(g.volume_ml, volume):
        yield Field.VOLUME, shown("total_volume", volume), shown("total_volume", g.volume_ml)
    if not close(g.depth_mm, _codec.value_of(plan, "depth")):
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


def changed(record: TreatmentRecord, i: int, changes: dict[str, Any], reason: str) -> Given:
    """Area ``i`` of ``record`` with ``changes``; a reason kept for each value now differing."""
    if not changes:
        raise InvalidValueError(
            "changes", {}, f"at least one of {', '.join(CHANGES)} given otherwise"
        )
    plan, old = record.session.plans[i], record.areas[i]
    points = old.points if "points" not in changes else count(changes["points"])
    if "volume" in changes:
        volume = volume_ml(changes["volume"], "volume")
    elif "draws" in changes:  # the area's volume is what was drawn for it
        volume = sum(d.volume_ml for d in _draws(record, old, changes, 0.0))
    elif "points" in changes:
        volume = points * _codec.value_of(plan, "volume_per_point")
    else:
        volume = old.volume_ml
    depth = old.depth_mm if "depth" not in changes else read(changes["depth"], "depth")
    needle = changes.get("needle", old.needle)
    if not isinstance(needle, (Needle, type(None))):
        raise InputTypeError("needle", needle, "a mesocalc.Needle")
    draws = _draws(record, old, changes, volume)
    touched = {Field(k) for k in changes if k != "draws"} | (
        {Field.LOT} if {"draws", "lot"} & changes.keys() else set()
    )
    if {"points", "draws"} & changes.keys() and "volume" not in changes:
        touched.add(Field.VOLUME)
    new = Given(points=points, volume_ml=volume, depth_mm=depth, needle=needle, draws=draws)
    differing = {f for f, _, _ in differences(plan, new, default_lot(record.session))}
    reasons = [r for r in old.reasons if r.field in differing and r.field not in touched]
    reasons += [Reason(field=f, reason=reason) for f in Field if f in differing & touched]
    return attrs.evolve(new, reasons=tuple(reasons))


def _draws(
    record: TreatmentRecord, old: Given, changes: dict[str, Any], volume: float
) -> tuple[Draw, ...]:
    if "draws" in changes:
        raw = changes["draws"]
        if not isinstance(raw, Mapping) or len(raw) > len(record.vials) + 1:
            raise InputTypeError(
                "draws",
                raw,
                "a dict of lot to volume, such as {'B1': '0.6 mL', 'B2': '0.4 mL'}",
            )
        return tuple(Draw(lot=k, volume_ml=volume_ml(v, f"draws[{k!r}]")) for k, v in raw.items())
    lots = list(dict.fromkeys(d.lot for d in old.draws)) or [
        changes.get("lot") or _first_lot(record)
    ]
    if "lot" in changes:
        lots = [changes["lot"]]
    elif len(lots) > 1 and not close(volume, old.volume_ml):
        raise InvalidValueError(
            "draws",
            None,
            "the volume from each lot, draws={'B1': '0.5 mL', 'B2': '0.3 mL'}",
            f"the area drew from {len(lots)} lots: which gave the new volume?",
        )
    if len(lots) > 1:
        return old.draws
    return (Draw(lot=lots[0], volume_ml=volume),) if volume > 0 else ()


def _first_lot(record: TreatmentRecord) -> str:
    return default_lot(record.session) or (record.vials[0].lot if record.vials else "")
