"""Helpers for software that builds on mesocalc and tests itself with pytest and Hypothesis.

``assert_plan_valid`` checks the promises every plan keeps; the strategies in
:mod:`mesocalc.testing.strategies` (which needs Hypothesis, ``pip install
".[testing]"`` from mesocalc's folder) generate valid plan requests across a catalog, the way
mesocalc's own property tests do. Importing this module does not import Hypothesis.

Examples:
    >>> import mesocalc
    >>> from mesocalc.testing import assert_plan_valid
    >>> assert_plan_valid(mesocalc.plan(technique="classic", zone="face", area="40 cm^2"))
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from mesocalc._catalog.catalog import Catalog, default_catalog
from mesocalc._catalog.entries import Range
from mesocalc._planning.plan import Plan
from mesocalc._quantities.parameters import PARAMETERS

if TYPE_CHECKING:
    from mesocalc._planning.plan_array import PlanArray

__all__ = ["assert_plan_valid"]


def _close(a: object, b: object) -> bool:
    return bool(np.allclose(np.asarray(a), np.asarray(b), rtol=1e-9, atol=1e-12))


def assert_plan_valid(plan: Plan | PlanArray, *, catalog: Catalog | None = None) -> None:
    """Assert what mesocalc promises of every plan it returns.

    - at least one point, and an integer count;
    - total = points x volume per point, expected loss = total x loss fraction,
      delivered + expected loss = total;
    - every parameter within its catalog range for the plan's technique and zone,
      unless ``plan.overrides`` records the departure with a reason;
    - no hard range broken, override or not.

    Works for plans over arrays too, element by element.

    Raises:
        AssertionError: naming the promise broken and the values.
    """
    entry = (catalog or default_catalog()).spec(plan.technique, plan.zone)
    _assert_volumes_add_up(plan)
    records = plan.overrides if isinstance(plan, Plan) else ()  # arrays take no override
    overridden = {r.parameter for r in records if r.reason.strip()}
    for name, r in entry.ranges().items():
        if name != "thread_length":
            _assert_within(r, name, plan, overridden)


def _assert_volumes_add_up(plan: Plan | PlanArray) -> None:
    """Whole points, at least one; total, loss and delivered volumes that add up."""
    points = np.asarray(plan.points)
    assert points.dtype.kind in "iu", f"points is not an integer count: {plan.points!r}"
    assert (points >= 1).all(), f"a plan without points: {plan.points!r}"
    total = np.asarray(plan.total_volume.to("mL").magnitude)
    each = np.asarray(plan.volume_per_point.to("mL").magnitude)
    loss = np.asarray(plan.expected_loss.to("mL").magnitude)
    kept = np.asarray(plan.delivered_volume.to("mL").magnitude)
    assert _close(total, points * each), f"total {total} != points x volume per point"
    assert _close(loss, total * np.asarray(plan.loss_fraction)), f"loss {loss} != total x fraction"
    assert _close(kept + loss, total), f"delivered {kept} + loss {loss} != total {total}"


def _assert_within(r: Range, name: str, plan: Plan | PlanArray, overridden: set[str]) -> None:
    """The plan's ``name`` within range ``r``; outside a soft range only with a record."""
    value: Any = plan.loss_fraction if name == "loss_fraction" else getattr(plan, name)
    if name != "loss_fraction":
        value = value.to(PARAMETERS[name].unit).magnitude
    magnitudes = np.atleast_1d(np.asarray(value))
    inside = all(r.contains(float(m)) for m in magnitudes.flat if math.isfinite(float(m)))
    if r.about:  # an "about" value: a departure warns and needs no record
        return
    if r.hard:
        assert inside, f"{name} {value} breaks the hard limit {r.describe()} ({r.source})"
    elif not inside:
        assert name in overridden, (
            f"{name} {value} is outside {r.describe()} ({r.source}) with no override record"
        )
