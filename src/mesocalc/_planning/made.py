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

__all__ = ["planned"]


def planned(current: Run) -> Plan | PlanArray:
    """The Plan, or the PlanArray, of a run through every rule."""
    q = current.request
    more = current.more
    warnings = (*current.warnings, *more) if more else current.warnings
    v = q.values
    if q.shape is None:
        count, vpp = current.count, v["volume_per_point"]
        return Plan(
            technique=q.entry.technique,
            zone=q.entry.zone,
            lattice=q.grid,
            points=count,
            loss_fraction=v["loss_fraction"],
            warnings=warnings,
            sources=current.sources,
            area_mm2=current.area,
            spacing_mm=v["spacing"],
            volume_per_point_ml=vpp,
            depth_mm=v["depth"],
            angle_deg=v["angle"],
            thread_length_mm=q.thread,
            protocol=q.book.protocol,
            overrides=current.records,
            placement=current.placement,
            supply=None if q.syringe is None else q.equipment.Supply.of(count * vpp, q.syringe),
            needle=q.needle,
        )
    return _plans(current, warnings)


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
