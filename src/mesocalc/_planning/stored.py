"""Stored plans checked like new ones: plan()'s rules, run on what a record holds.

A record read back from a clinic's database may have been tampered with or
corrupted. :func:`recheck` reads its inputs into the pipeline's request and runs them
through the pipeline's own rules (:data:`mesocalc._planning.pipeline.STORED`, never a
copy of them), then compares what they give with what it holds, its point count
included, so that no record comes back as a plan that plan() could not have made.
Which catalog it is checked against follows from the plan's ``protocol``
(:func:`catalog_for`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Final

import attrs

from mesocalc._catalog.catalog import Catalog, default_catalog
from mesocalc._catalog.warnings import WarningCode
from mesocalc._engine import numpy_binding as _numpy
from mesocalc._planning import guardrails as _guardrails
from mesocalc._planning import overrides as _overrides
from mesocalc._planning import pipeline as _pipeline
from mesocalc._planning import range_warnings as _range_warnings
from mesocalc._planning.overrides import Override
from mesocalc._quantities.names import Side
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc._quantities.units import quantity
from mesocalc._records import codec as _codec
from mesocalc.exceptions import InputTypeError, InvalidValueError

if TYPE_CHECKING:
    import numpy as np

    from mesocalc._catalog.entries import Protocol, Spec
    from mesocalc._planning.plan import Plan
    from mesocalc._planning.plan_array import PlanArray
else:
    np = _numpy.NUMPY

__all__ = ["catalog_for", "recheck", "recheck_array"]

# The warnings of a limit passed by an override: a stored plan needs the one its rules find.
_OVERRIDDEN: Final = frozenset({WarningCode.SESSION_CAP_OVERRIDDEN, WarningCode.UNPUBLISHED_USE})
# Stand-in for the override a stored plan's records show was given (its reason is in them).
_RECORDED = Override(reason="recorded in the stored plan")


def catalog_for(protocol: Protocol | None, catalog: Any) -> Catalog:
    """The catalog a stored plan of ``protocol`` is checked against.

    The shipped catalog by default, which checks plans stored without a protocol (before
    plans recorded one) and plans of any version of the shipped catalog, against today's
    limits. A clinic protocol's plan needs that protocol passed as ``catalog``.

    Raises:
        InputTypeError: ``catalog`` is not a Catalog.
        InvalidValueError: a clinic protocol's plan without its protocol, or with another.
    """
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


def _read(
    book: Catalog,
    entry: Spec,
    plan: Plan | PlanArray,
    override: Override | None,
    shape: tuple[int, ...] | None,
) -> _pipeline.Run:
    """A stored plan's inputs read into the pipeline's request, as plan() reads given values.

    They are canonical magnitudes already: each is checked in its domain and within its
    hard range (an array: each element, the first at fault named), and its departure
    from a soft range found; then the thread length is the technique's.
    """
    given: dict[str, Any] = {}
    values: dict[str, Any] = {}
    departures = []
    for name in _range_warnings.GIVEN_BITS:
        m = _codec.value_of(plan, name)
        r = getattr(entry, name)
        if shape is not None:
            m = np.asarray(m, dtype=np.float64)
        given[name], values[name] = _stored(name, m), m
        if shape is not None:
            _guardrails.choose_array(given[name], name, r, entry)
        else:
            _, departure = _guardrails.choose(given[name], name, r, entry)
            departures += [] if departure is None else [departure]
    thread = _guardrails.thread_length(entry, plan.lattice, plan.lattice.value)
    _check_thread(_codec.value_of(plan, "thread_length"), entry, thread)
    request = _pipeline.Request(
        book=book,
        entry=entry,
        override=override,
        grid=plan.lattice,
        thread=thread,
        shaped=None,
        values=values,
        given=given,
        departures=departures,
        per_point=None,
        points=None,
        needle=getattr(plan, "needle", None),
        syringe=None,
        equipment=None,
        shape=shape,
    )
    points = plan.points if shape is None else np.asarray(plan.points)
    area = _codec.value_of(plan, "area")
    return _pipeline.Run(request, area, departures, [], count=points)


def _run(current: _pipeline.Run, codes: set[tuple[Any, Any]]) -> _pipeline.Run:
    """Run the rules a stored plan goes through again (:data:`~_pipeline.STORED`).

    With the override the record shows, a rule that finds an overridden limit (a session
    cap) whose warning the record lacks runs again without it, and raises as plan() does.
    """
    for rule in _pipeline.rules_for(current.request, _pipeline.STORED):
        found = len(current.more)
        rule(current)
        if any(
            w.code in _OVERRIDDEN and (w.code, w.parameter) not in codes
            for w in current.more[found:]
        ):
            alone = attrs.evolve(current.request, override=None)
            rule(_pipeline.Run(alone, current.area, current.departures, [], count=current.count))
    return current


def recheck(plan: Plan, data: dict[str, Any], catalog: Any = None) -> None:
    """Refuse a stored plan that plan() could not have made with its catalog.

    Its inputs are read into the pipeline's request and run through plan()'s rules
    (:mod:`mesocalc._planning.pipeline`), with the override its records show, over the
    count it holds; then what the rules give is compared with what it holds: every
    departure from a soft range recorded in ``overrides`` (and every record a
    departure), and the point count the area and spacing give (a plan on a shape: its
    layout's, checked where it is redrawn).

    Raises:
        MesocalcError: naming the stored value at fault.
    """
    book = catalog_for(plan.protocol, catalog)
    entry = book.spec(plan.technique, plan.zone)  # contraindicated or undefined: refused
    codes = {(w.code, w.parameter) for w in plan.warning_records}
    if not entry.published and (WarningCode.UNPUBLISHED_USE, "technique") not in codes:
        _guardrails.unpublished(entry, None, {}, book.published(entry.zone))  # raises
    current = _run(_read(book, entry, plan, _RECORDED, None), codes)
    departures = [d for d in current.departures if not d.advisory]
    _check_records(plan, departures, entry, same=plan.protocol == book.protocol)
    laid = plan.placement
    if laid is None or (
        laid.shape is None and laid.margin_mm is None and laid.total_thread_length_mm is None
    ):  # not laid on a shape (one stored by mesocalc 0.1.0 lost its outline: no count to check)
        _check_points(plan, current, data)


def _check_thread(stored: Any, entry: Spec, expected: float | None) -> None:
    """A retrograde plan's thread length is the technique's; a point technique has none."""
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


def _check_points(plan: Plan | PlanArray, current: _pipeline.Run, data: dict[str, Any]) -> None:
    """The points are those the pipeline's count gives the stored area and spacing."""
    probe = _pipeline.Run(current.request, current.area, [], [])
    _pipeline.COUNT(probe)
    counted = probe.count
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
    current = _run(_read(book, entry, plans, None, shape), set())
    _check_points(plans, current, data)


def check_placement(plan: Any) -> None:
    """Refuse a stored plan's placement that plan() could not have made.

    A mirrored one is a plan over both sides of a paired site; a pattern lays threads; a
    shape's area (twice it, mirrored) is the plan's; landmarks are checked by
    :func:`mesocalc._geometry.landmarks.check_stored`.

    Raises:
        InvalidValueError: naming ``placement.mirrored``, ``placement.pattern``, ``area``,
            or what the landmarks' check names.
    """
    placement, location = plan.placement, plan.location
    area_mm2, spacing_mm = _codec.value_of(plan, "area"), _codec.value_of(plan, "spacing")
    mirrored = placement.mirrored
    site = plan.site
    if mirrored and (site is None or not site.paired or location.side is not Side.BOTH):
        raise InvalidValueError(
            "placement.mirrored", True, "a plan over both sides of a paired site (side 'both')"
        )
    if placement.pattern is not None and plan.thread_length is None:
        raise InvalidValueError(
            "placement.pattern", placement.pattern.value, "no pattern: patterns lay threads"
        )
    shape = placement.shape
    if shape is not None:
        held = shape._area_mm2() * (2.0 if mirrored else 1.0)
        if not math.isclose(area_mm2 / 100.0, held / 100.0, rel_tol=1e-9):
            shown = PARAMETERS["area"].show
            raise InvalidValueError(
                "area", shown(area_mm2), f"the area of the stored shape, {shown(held)}"
            )
    if placement.landmarks:
        from mesocalc._geometry import landmarks as _landmarks  # noqa: PLC0415 - on first use

        _landmarks.check_stored(placement, location, spacing_mm, area_mm2)
