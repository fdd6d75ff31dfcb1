"""The memo of requests seen before, around the planning pipeline: speed kept out of it.

A plan of one area from strings takes a few microseconds, most of them spent reading and
checking inputs that a caller planning many areas repeats. What the pipeline reads of a
request and what its rules find depend on the inputs alone, but for the rules that depend
on the area (:data:`mesocalc._planning.pipeline.PER_AREA`: the count, the dose per area, the
session cap). A request seen before keeps its reading and those findings, and runs again
through the rules of that list alone, over its own area. Only requests that passed with
no departure from a range, no override, no parts and a published entry are kept; the memo
is cleared when full. It holds the process's one mutable store of requests, here in the
engine rather than in the pipeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, NamedTuple

from mesocalc._engine import engine as _engine
from mesocalc._planning import made as _made
from mesocalc._planning import pipeline as _pipeline
from mesocalc._quantities import inputs as _inputs
from mesocalc._quantities import units as _units
from mesocalc._quantities.names import Lattice, Technique, Zone

if TYPE_CHECKING:
    from mesocalc._catalog.catalog import Catalog
    from mesocalc._catalog.warnings import WarningRecord
    from mesocalc._planning.plan import Plan
    from mesocalc._planning.plan_array import PlanArray

__all__ = ["Kept", "clear", "planned"]


class Kept(NamedTuple):
    """What the pipeline read of a request that passed every rule, and what they found."""

    book: Catalog
    request: _pipeline.Request
    warnings: tuple[WarningRecord, ...]
    sources: tuple[str, ...]
    more: tuple[WarningRecord, ...]  # what the rules not per area added to its warnings
    rules: tuple[_pipeline.Rule, ...]  # the rules per area that apply to it
    fields: dict[str, Any]  # the plan's fields that follow from the request alone


_REQUESTS: Final[dict[tuple[Any, ...], Kept]] = _engine.table("memo.requests")
_MAX_REQUESTS: Final = 1024
_KEYED: Final = (float, int)
_NAMES: Final = (str, Technique, Zone, Lattice)
_UNGIVEN: Final = ((None,),) * 5  # the keys of five inputs not given


def clear() -> None:
    """Forget every request seen before (tests compare a fresh plan with a remembered one)."""
    _REQUESTS.clear()


def _input_key(value: Any, cls: Any) -> Any:
    """A hashable key that tells apart any two inputs that could plan differently, or None.

    Strings, numbers and None key as themselves, with their type (1 and True and 1.0 differ);
    Quantities (of ``cls``, pint's Quantity class or None) of a number by that number and
    their units. Zeros are not keyed: -0.0 and 0.0 are equal keys but different values.
    """
    kind = type(value)
    if kind is str:
        return value
    if value is None:
        return (None,)
    if kind in _KEYED:
        return None if value == 0 else (kind, value)
    if cls is None or not isinstance(value, cls):
        return None
    mag = value._magnitude  # pint's slot: its property is a call per input
    if type(mag) not in _KEYED or mag == 0:
        return None
    return (kind, type(mag), mag, value._units)


def planned(
    book: Catalog,
    names: tuple[Any, ...],
    numbers: tuple[Any, ...],
    parts: tuple[Any, ...],
    *,
    patient: Any = None,
) -> Plan | PlanArray:
    """plan() through the pipeline: a request seen before by the rules per area alone.

    ``patient`` is the patient's group's skin on the site (a GroupSkin); a request with
    one is planned in full, as one with parts is.
    """
    key = None if patient is not None else _key(book, names, numbers, parts)
    seen = None if key is None else _REQUESTS.get(key)
    area = numbers[0]
    if seen is not None and seen.book is book and _scalar_area(area):
        # Its area read as the pipeline reads one (a string or a Quantity, no shape), and
        # what the rules not per area found, as they found it.
        q = seen.request
        current = _pipeline.Run(
            q,
            _inputs.read(area, "area"),
            q.departures,
            list(seen.more),
            warnings=seen.warnings,
            sources=seen.sources,
        )
        for rule in seen.rules:  # those per area that apply to it, in the pipeline's order
            rule(current)
        return _made.planned(current, seen.fields)
    current = _pipeline.run(_pipeline.read(book, names, numbers, parts, patient=patient))
    q = current.request
    # Kept: a request of one area that passed every rule with no departure (see the module).
    keep = q.shape is None and q.shaped is None and not current.departures and q.entry.published
    if key is not None and keep:
        if len(_REQUESTS) >= _MAX_REQUESTS:
            _REQUESTS.clear()
        # Rules per area add their warnings after all that the others add, here (only the
        # skin layer's: a kept request has no departure, needle or unpublished use).
        at = current.per_area_from
        more = tuple(current.more if at is None else current.more[:at])
        rules = _pipeline.rules_for(q, _pipeline.PER_AREA)
        fields = _made.plan_fields(current)
        _REQUESTS[key] = Kept(book, q, current.warnings, current.sources, more, rules, fields)
    return _made.planned(current)


def _key(
    book: Catalog,
    names: tuple[Any, ...],
    numbers: tuple[Any, ...],
    parts: tuple[Any, ...],
) -> tuple[Any, ...] | None:
    """The request's key in the memo, or None.

    No key when the request has parts (an override, a shape's margin, a needle...), which
    are planned in full every time, or an input that cannot be keyed. Built without a
    loop that appends: a request seen before is planned in a few microseconds.
    """
    for part in parts:  # by identity: an array's == gives an array
        if part is not None:
            return None
    for n in names:
        if type(n) not in _NAMES:
            return None
    _, spacing, per_point, depth, angle, loss = numbers
    if spacing is None and per_point is None and depth is None and angle is None and loss is None:
        return (id(book), *names, *_UNGIVEN)  # the nominal values: the commonest request
    cls = _units.quantity_class()  # pint's Quantity class, or None before pint is loaded
    keys = (
        _input_key(spacing, cls),
        _input_key(per_point, cls),
        _input_key(depth, cls),
        _input_key(angle, cls),
        _input_key(loss, cls),
    )
    if None in keys:  # the keys are None, strings and tuples: no element's == misleads
        return None
    return (id(book), *names, *keys)


def _scalar_area(area: Any) -> bool:
    """Whether ``area`` is a string or a Quantity (of pint's Quantity class) of a number.

    plan() reads either as one area, as the memo reads it again; other magnitudes (numpy
    scalars...) are planned in full.
    """
    if type(area) is str:
        return True
    cls = _units.quantity_class()
    return cls is not None and isinstance(area, cls) and type(area._magnitude) in _KEYED
