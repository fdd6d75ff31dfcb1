"""The Plan, or the PlanArray, that a request run through the pipeline's rules makes.

Apart from :mod:`mesocalc._planning.pipeline` so that the pipeline sits below the
records it makes: a stored plan (:mod:`mesocalc._planning.stored`) runs the same rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mesocalc._engine import numpy_binding as _numpy
from mesocalc._planning.plan import Plan

if TYPE_CHECKING:
    import numpy as np

    from mesocalc._catalog.warnings import WarningRecord
    from mesocalc._planning.pipeline import Run
    from mesocalc._planning.plan_array import PlanArray
else:
    np = _numpy.NUMPY

__all__ = ["plan_fields", "planned"]


def planned(current: Run, fields: dict[str, Any] | None = None) -> Plan | PlanArray:
    """The Plan, or the PlanArray, of a run through every rule.

    ``fields`` are the plan's :func:`plan_fields`, as the memo kept them for the request.
    """
    more = current.more
    warnings = (*current.warnings, *more) if more else current.warnings
    if current.request.shape is None:
        return Plan(
            **(fields if fields is not None else plan_fields(current)),
            points=current.count,
            area_mm2=current.area,
            warnings=warnings,
        )
    return _plans(current, warnings)


def plan_fields(current: Run) -> dict[str, Any]:
    """A Plan's fields but its area, points and warnings, once every rule has run.

    They are the same for every area of a request the memo keeps (one with no syringe,
    shape or override: its supply, placement and overrides are None or empty), so the
    memo plans each new area with them: one dict, not a dozen lookups per plan.
    """
    q = current.request
    v = q.values
    syringe = q.syringe
    return {
        "technique": q.entry.technique,
        "zone": q.entry.zone,
        "lattice": q.grid,
        "loss_fraction": v["loss_fraction"],
        "spacing_mm": v["spacing"],
        "volume_per_point_ml": v["volume_per_point"],
        "depth_mm": v["depth"],
        "angle_deg": v["angle"],
        "thread_length_mm": q.thread,
        "protocol": q.book.protocol,
        "needle": q.needle,
        "sources": current.sources,
        "overrides": current.records,
        "placement": current.placement,
        "supply": None
        if syringe is None
        else q.equipment.Supply.of(current.count * v["volume_per_point"], syringe),
    }


def _plans(current: Run, warnings: tuple[WarningRecord, ...]) -> Plan | PlanArray:
    from mesocalc._planning.plan_array import PlanArray  # noqa: PLC0415 - loaded on first use (start-up)

    q, v = current.request, current.request.values
    shape = q.shape
    assert shape is not None

    def frozen(value: Any) -> Any:
        return np.broadcast_to(value, shape)  # a read-only view: plans are immutable

    plans = PlanArray(
        technique=q.entry.technique,
        zone=q.entry.zone,
        lattice=q.grid,
        points=current.count,
        loss_fraction=frozen(v["loss_fraction"]),
        warnings=warnings,
        sources=current.sources,
        area_mm2=frozen(current.area),
        spacing_mm=frozen(v["spacing"]),
        volume_per_point_ml=frozen(v["volume_per_point"]),
        depth_mm=frozen(v["depth"]),
        angle_deg=frozen(v["angle"]),
        thread_length_mm=None if q.thread is None else frozen(q.thread),
        protocol=q.book.protocol,
    )
    return plans[()] if not shape else plans  # a 0-d array is one area: a Plan
