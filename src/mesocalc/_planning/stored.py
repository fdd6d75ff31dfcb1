"""Stored plans checked like new ones: plan()'s rules, run on what a record holds.

A record read back from a clinic's database may have been tampered with or
corrupted. :func:`recheck` runs its inputs through the rules of
:mod:`mesocalc._planning.guardrails` (the same functions plan() calls, never a copy of
them) and derives its point count again, so that no record comes back as a plan
that plan() could not have made. Which catalog it is checked against follows from
the plan's ``protocol`` (:func:`catalog_for`).
"""

from __future__ import annotations

import contextlib
import contextvars
import math
from typing import TYPE_CHECKING, Any

from mesocalc._catalog.catalog import Catalog, default_catalog
from mesocalc._catalog.warnings import WarningCode
from mesocalc._engine import numpy_binding as _numpy
from mesocalc._planning import guardrails as _guardrails
from mesocalc._planning import overrides as _overrides
from mesocalc._planning.overrides import Override
from mesocalc._quantities import arithmetic as _core
from mesocalc._quantities.names import Lattice
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc._quantities.units import quantity
from mesocalc.exceptions import InputTypeError, InvalidValueError

if TYPE_CHECKING:
    from collections.abc import Iterator

    import numpy as np

    from mesocalc._catalog.entries import Protocol, Spec
    from mesocalc._planning.plan import Plan
    from mesocalc._planning.plan_array import PlanArray
else:
    np = _numpy.NUMPY

__all__ = ["catalog_for", "reading_with", "recheck", "recheck_array"]

# The catalog a Session or Course was asked to read its plans with, for Plan.from_dict
# called by the codec on each stored plan (which passes no arguments of its own).
_READING: contextvars.ContextVar[Catalog | None] = contextvars.ContextVar(
    "mesocalc_reading_catalog", default=None
)

# The ranged inputs of a plan, checked as plan() checks a given value.
_RANGED = ("spacing", "volume_per_point", "depth", "angle", "loss_fraction")
# Stand-in for the override a stored plan's records show was given (its reason is in them).
_RECORDED = Override(reason="recorded in the stored plan")


@contextlib.contextmanager
def reading_with(catalog: Catalog | None) -> Iterator[None]:
    """Read the plans of a session or course, within this block, against ``catalog``."""
    token = _READING.set(catalog)
    try:
        yield
    finally:
        _READING.reset(token)


def catalog_for(protocol: Protocol | None, catalog: Any) -> Catalog:
    """The catalog a stored plan of ``protocol`` is checked against.

    The shipped catalog by default, which checks plans stored without a protocol (before
    plans recorded one) and plans of any version of the shipped catalog, against today's
    limits. A clinic protocol's plan needs that protocol passed as ``catalog``.

    Raises:
        InputTypeError: ``catalog`` is not a Catalog.
        InvalidValueError: a clinic protocol's plan without its protocol, or with another.
    """
    if catalog is None:
        catalog = _READING.get()
    if catalog is not None and not isinstance(catalog, Catalog):
        raise InputTypeError("catalog", catalog, "None or a mesocalc.Catalog (load_protocol)")
    shipped = default_catalog()
    if catalog is None:
        if protocol is not None and protocol.name != shipped.name:
            raise InvalidValueError(
                "protocol",
                str(protocol),
                f"the {shipped.name}, or the protocol passed as catalog=",
                "the plan was checked against a clinic protocol: read it with "
                "from_dict(data, catalog=mesocalc.load_protocol(path))",
            )
        return shipped
    of_shipped = protocol is not None and protocol.name == catalog.name == shipped.name
    if protocol is not None and protocol != catalog.protocol and not of_shipped:
        raise InvalidValueError(
            "protocol",
            str(protocol),
            f"the protocol passed as catalog=, {catalog.protocol}",
            "a plan is checked against the protocol it was made with",
        )
    return catalog


def _stored(name: str, m: Any) -> Any:
    """A stored magnitude as plan() is given one, in its canonical unit ('1.5 mm').

    A scalar is text, so that an error shows it as the caller would have typed it.
    """
    p = PARAMETERS[name]
    if p.dim.label == "fraction":
        return m
    return quantity(m, p.unit) if np.ndim(m) else f"{float(m)!r} {p.json}"


def recheck(plan: Plan, data: dict[str, Any], catalog: Any = None) -> None:
    """Refuse a stored plan that plan() could not have made with its catalog.

    Every hard limit as plan() applies it; every departure from a soft range recorded
    in ``overrides`` (and every record a departure); the point count the area and
    spacing give (a plan on a shape: its layout's, checked where it is redrawn).

    Raises:
        MesocalcError: naming the stored value at fault.
    """
    book = catalog_for(plan.protocol, catalog)
    entry = book.spec(plan.technique, plan.zone)  # contraindicated or undefined: refused
    codes = {(w.code, w.parameter) for w in plan.warning_records}
    if not entry.published and (WarningCode.UNPUBLISHED_USE, "technique") not in codes:
        _guardrails.unpublished(entry, None, {}, book.published(entry.zone))  # raises
    values = {
        n: getattr(plan, f"_{n}") if n != "loss_fraction" else plan.loss_fraction for n in _RANGED
    }
    departures = []
    for name in _RANGED:
        _, departure = _guardrails.choose(
            _stored(name, values[name]), name, getattr(entry, name), entry
        )
        if departure is not None and not departure.advisory:
            departures.append(departure)
    _check_thread(plan._thread_length, entry, plan.lattice)
    _check_cap_and_layer(book, entry, values["depth"], None)
    if plan.needle is not None:
        _guardrails.check_needle(plan.needle, plan.needle.length_mm, plan._depth, plan._angle)
        departures += _guardrails.needle_departures(entry, plan.needle)
    session = _guardrails.check_session(entry, plan.points, plan._volume_per_point, _RECORDED)
    for w in session:
        if w.code is WarningCode.SESSION_CAP_OVERRIDDEN and (w.code, w.parameter) not in codes:
            _guardrails.check_session(entry, plan.points, plan._volume_per_point)  # raises
    _check_records(plan, departures, entry, same=plan.protocol == book.protocol)
    laid = plan.placement
    if laid is None or (
        laid.shape is None and laid.margin_mm is None and laid.total_thread_length_mm is None
    ):  # not laid on a shape (one stored by mesocalc 0.1.0 lost its outline: no count to check)
        _check_points(plan, data)


def _check_thread(stored: Any, entry: Spec, grid: Lattice) -> None:
    """A retrograde plan's thread length is the technique's; a point technique has none."""
    expected = _guardrails.thread_length(entry, grid, grid.value)
    same = (
        stored is None
        if expected is None
        else stored is not None and np.allclose(stored, expected, rtol=1e-12, atol=0)
    )
    if not same:
        raise InvalidValueError(
            "thread_length",
            stored,
            "no thread length for a point technique"
            if expected is None
            else f"the thread length of {entry.technique.value}, {expected:g} mm",
        )


def _check_cap_and_layer(
    book: Catalog, entry: Spec, depth: Any, shape: tuple[int, ...] | None
) -> None:
    _guardrails.check_cap(entry, book.cap(entry.zone), depth, shape)
    _guardrails.check_layer(entry, book.layer_thickness(entry.zone), depth, shape)


def _check_records(plan: Plan, departures: list[Any], entry: Spec, *, same: bool) -> None:
    """Each departure has its override record, and each record is of a departure.

    Records name the range in the catalog's words; those are compared only when the plan
    was made with this very catalog (the words of another version may differ).
    """
    if departures and not plan.overrides:
        _overrides.records(departures, None, entry)  # raises the first's SoftLimitError
    by_name = {d.parameter: d for d in departures}
    seen = set()
    for i, rec in enumerate(plan.overrides):
        d = by_name.get(rec.parameter)
        where = f"overrides[{i}]"
        if d is None:
            raise InvalidValueError(
                f"{where}.value",
                rec.value,
                f"a {rec.parameter} outside the recommended range for "
                f"{entry.technique.value} on the {entry.zone.value}",
                f"the plan's {rec.parameter} needs no override: the record contradicts it",
            )
        if rec.parameter in seen:
            raise InvalidValueError(
                f"{where}.parameter", rec.parameter, "one override record per parameter"
            )
        seen.add(rec.parameter)
        if not math.isclose(rec._value, d.magnitude, rel_tol=1e-9):
            raise InvalidValueError(
                f"{where}.value",
                rec.value,
                f"the plan's {rec.parameter}, {PARAMETERS[rec.parameter].show(d.magnitude)}",
            )
        if same and (rec.allowed, rec.source) != (d.range.describe(), d.range.source):
            raise InvalidValueError(
                f"{where}.allowed",
                rec.allowed,
                f"the catalog's range, {d.range.describe()} ({d.range.source})",
            )
    for d in departures:
        if d.parameter not in seen:
            raise d.error(entry)


def _check_points(plan: Plan | PlanArray, data: dict[str, Any]) -> None:
    """The points are those the area and spacing give, as plan() counts them."""
    thread: Any = plan._thread_length  # an array for plans over arrays
    cell = _core.cell_area(plan._spacing, plan.lattice, thread)
    area = plan._area
    if np.ndim(area) == 0:
        area, cell = float(area), float(cell)
    counted = _core.count_points(area, cell, plan.spacing)
    bad = np.asarray(counted) != np.asarray(plan.points)
    if np.any(bad):
        index = tuple(int(i) for i in np.argwhere(bad)[0]) if np.ndim(bad) else None
        error = InvalidValueError(
            "points",
            data.get("points"),
            f"the {np.asarray(counted)[index or ()]} points the area and spacing give",
        )
        raise error if not index else error.at(index)
    placement = getattr(plan, "placement", None)
    if placement is not None and placement.injector is not None:
        shots = math.ceil(plan.points / placement.injector.needles)
        if placement.shots != shots:
            raise InvalidValueError(
                "placement.shots", placement.shots, f"{shots} shots: points over needles"
            )


def recheck_array(plans: PlanArray, data: dict[str, Any], catalog: Any = None) -> None:
    """:func:`recheck` for plans over arrays, which take no override: every rule elementwise.

    Raises:
        MesocalcError: naming the stored value at fault and its index.
    """
    book = catalog_for(plans.protocol, catalog)
    entry = book.spec(plans.technique, plans.zone)
    if not entry.published:  # arrays take no override
        _guardrails.unpublished(entry, None, {}, book.published(entry.zone))
    shape = plans.shape
    if 0 in shape:
        return
    for name in _RANGED:
        m = getattr(plans, f"_{name}") if name != "loss_fraction" else plans.loss_fraction
        m = np.asarray(m, dtype=np.float64)
        _guardrails.choose_array(_stored(name, m), name, getattr(entry, name), entry)
    thread = plans._thread_length
    _check_thread(None if thread is None else np.asarray(thread), entry, plans.lattice)
    _check_cap_and_layer(book, entry, np.asarray(plans._depth), shape)
    for name in _RANGED:  # soft departures after the hard rules, as plan() orders them
        m = getattr(plans, f"_{name}") if name != "loss_fraction" else plans.loss_fraction
        m = np.asarray(m, dtype=np.float64)
        _guardrails.refuse_departures(_stored(name, m), m, name, getattr(entry, name), entry)
    _guardrails.check_session(entry, np.asarray(plans.points), np.asarray(plans._volume_per_point))
    _check_points(plans, data)
