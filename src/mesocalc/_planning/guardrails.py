"""Soft and hard limits, the way smart infusion pumps apply a drug library.

Soft limits are the catalog's recommended ranges: a departure raises
SoftLimitError unless the caller passes an :class:`Override` with a reason, and
then the plan records it. Hard limits refuse whatever is said: the domain of
each parameter (checked where inputs are read, :mod:`mesocalc._quantities.inputs`), ranges
the catalog marks ``hard`` (seed 003's "no more than 1 mm"), the skin layer a
technique deposits product in, per-session caps, and a needle too short for the
insertion. docs/guardrails.md gives the sources.

Each rule is written once, on magnitudes that may be floats or numpy arrays, and
returns what it found (a :class:`Departure`, warnings) or raises; for an array
the error names the first offending element's index. Nothing here knows of a
plan: the planner assembles what the rules return.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from mesocalc._catalog.catalog import cite
from mesocalc._catalog.entries import Basis, Layer, Range, SkinThickness, Spec
from mesocalc._catalog.warnings import WarningCode, WarningRecord, record
from mesocalc._engine import numpy_binding as _numpy
from mesocalc._planning.overrides import Departure, Override, where
from mesocalc._quantities import arithmetic as _core
from mesocalc._quantities.inputs import check, first_index, read, read_array
from mesocalc._quantities.magnitudes import any_array, element
from mesocalc._quantities.names import Lattice
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc.exceptions import (
    HardLimitError,
    InvalidValueError,
    MesocalcError,
    SoftLimitError,
)

if TYPE_CHECKING:
    import numpy as np

    from mesocalc._catalog.skin import GroupSkin
    from mesocalc._quantities.arithmetic import Magnitudes
else:
    np = _numpy.NUMPY

__all__ = [
    "UNPUBLISHED_NEEDS",
    "about_departures",
    "check_cap",
    "check_layer",
    "check_needle",
    "check_session",
    "choose",
    "choose_array",
    "choose_derived",
    "needle_departures",
    "thread_length",
    "unpublished",
]


def _hard(parameter: str, value: Any, r: Range, entry: Spec) -> HardLimitError:
    return HardLimitError(
        parameter,
        value,
        f"{r.describe()} for {where(entry)}",
        f"source: {cite(r.source)}; a hard limit, no override passes it",
        allowed=r.describe(),
        source=r.source,
    )


def choose(value: Any, parameter: str, r: Range, entry: Spec) -> tuple[float, Departure | None]:
    """The caller's value (its unit, domain and hard range checked), or the range's nominal.

    Returns the magnitude and, when it leaves the soft range, the departure.

    Raises:
        DomainError: outside the parameter's domain.
        HardLimitError: outside a hard range.
    """
    if value is None:
        return _nominal(parameter, r, entry), None
    m = read(value, parameter)
    if r.contains(m):
        return m, None
    if r.hard:
        raise _hard(parameter, value, r, entry)
    return m, Departure(parameter=parameter, magnitude=m, range=r, value=value)


def _nominal(parameter: str, r: Range, entry: Spec) -> float:
    """The range's default, when a source gives one.

    Raises:
        InvalidValueError: no source gives a realistic value, so the caller must.
    """
    if r.nominal_magnitude is None:
        raise InvalidValueError(
            parameter,
            None,
            f"a {parameter} given by the caller, within {r.describe()}",
            f"no source gives a realistic default for {where(entry)}: {r.note}",
        )
    return r.nominal_magnitude


def choose_derived(
    m: float, parameter: str, r: Range, entry: Spec, why: str
) -> tuple[float, Departure | None]:
    """A value derived from the request (a number of points, a total) checked as a given one.

    ``why`` says what the request needs ("1 mL over 20 points needs 0.05 mL per point"), so
    that a refusal tells the caller what to change.

    Raises:
        DomainError: outside the parameter's domain.
        HardLimitError: outside a hard range.
    """
    shown = f"{PARAMETERS[parameter].show(m)} ({why})"
    check(m, shown, parameter)
    if r.contains(m):
        return m, None
    if r.hard:
        raise _hard(parameter, shown, r, entry)
    return m, Departure(parameter=parameter, magnitude=m, range=r, value=shown)


def choose_array(value: Any, parameter: str, r: Range, entry: Spec) -> Magnitudes:
    """:func:`choose` for a plan over arrays: the domain and a hard range are checked.

    Each element gets the error a scalar input would get, with its ``index``. A soft
    range is left to :func:`refuse_departures`, which runs after the hard rules, in the
    order a scalar plan checks them.
    """
    if value is None:
        return _nominal(parameter, r, entry)
    each = functools.partial(_choose_hard, parameter=parameter, r=r, entry=entry)
    if not any_array(value):
        return each(value)
    if not r.hard:  # a soft departure is refused later, after the hard rules
        return read_array(value, parameter, each=each)
    return read_array(value, parameter, each=each, within=r.contains)


def _choose_hard(value: Any, parameter: str, r: Range, entry: Spec) -> float:
    return choose(value, parameter, r, entry)[0]


def about_departures(
    value: Any, chosen: Magnitudes, parameter: str, r: Range
) -> list[WarningRecord]:
    """The warning of a plan over arrays whose elements depart from an "about" value.

    One warning, as a scalar plan gives: the scalar's own when every departing element
    has the same value (a scalar input among arrays), else one naming the least and the
    greatest departing values and how many elements depart.
    """
    if value is None or not r.about:
        return []
    m = np.asarray(chosen, dtype=np.float64)
    if m.size == 0 or bool(r.contains(m.min()) and r.contains(m.max())):  # a range: both ends
        return []
    out = m[~r.contains(m)]
    low, high = float(out.min()), float(out.max())
    departure = Departure(parameter=parameter, magnitude=low, range=r, value=value)
    if low == high:
        return [departure.warning()]
    return [departure.warning(upto=high, of=(out.size, m.size))]


def refuse_departures(
    value: Any, chosen: Magnitudes, parameter: str, r: Range, entry: Spec
) -> None:
    """Refuse the first element of ``chosen`` that leaves its soft range (arrays take no override).

    ``value`` is the input as given, to be shown: the element at fault is named as a
    scalar input would be.

    Raises:
        SoftLimitError: an element departs from the range, with its ``index``.
    """
    if value is None or r.about or r.hard:  # an "about" departure warns; a hard one raised
        return
    if not any_array(value):
        if not r.contains(chosen):
            one = float(chosen)
            raise Departure(parameter=parameter, magnitude=one, range=r, value=value).error(entry)
        return
    m = np.asarray(chosen, dtype=np.float64)
    if m.size == 0 or bool(r.contains(m.min()) and r.contains(m.max())):
        return
    index = first_index(~r.contains(m))
    departure = Departure(
        parameter=parameter, magnitude=float(m[index]), range=r, value=element(value, index)
    )
    raise departure.error(entry).at(index)


def _first(
    bad: Any, values: Any, shape: tuple[int, ...] | None = None
) -> tuple[tuple[int, ...] | None, float] | None:
    """Where ``bad`` first holds and the value of ``values`` there; None when it never holds.

    ``bad`` and ``values`` may be smaller than the plan's ``shape`` and broadcast to it
    (a depth shared by a million areas is checked once). The index is None for a
    plan of one area, so that the error reads as a scalar input's.
    """
    if bad is False or (bad is not True and not np.any(bad)):  # a plan of one area: no numpy
        return None
    shape = np.shape(bad) if shape is None else shape
    if 0 in shape:  # plans over empty arrays: no element to be at fault
        return None
    if not shape:
        return None, float(values)
    index = first_index(np.broadcast_to(bad, shape))
    return index, float(np.broadcast_to(values, shape)[index])


def _raise(error: MesocalcError, index: tuple[int, ...] | None) -> None:
    raise error if index is None else error.at(index)


def thread_length(entry: Spec, grid: Lattice, lattice: Any) -> float | None:
    """The length of one retrograde thread (None for point techniques), on a square grid only."""
    if entry.thread_length is None:
        return None
    if grid is not Lattice.SQUARE:
        raise InvalidValueError(
            "lattice", lattice, "'square' for retrograde threads (parallel rows)"
        )
    return entry.thread_length.nominal_magnitude or entry.thread_length.high_magnitude


def check_layer(
    entry: Spec, skin: SkinThickness, depth: Any, shape: tuple[int, ...] | None = None
) -> list[WarningRecord]:
    """Refuse a depth that leaves the technique's layer; warn where none can be checked.

    ``shape`` is that of a plan over arrays, to which ``depth`` broadcasts.

    A zone with no published full skin comes with the thickest skin of any zone in its
    place (``skin.borrowed_from``, see :meth:`Catalog.layer_thickness`): it bounds a skin
    technique, and the plan says that the zone's own figure is unpublished; it says
    nothing of where the subcutis begins, so a subcutis technique there is unchecked.

    Raises:
        HardLimitError: deeper than the zone's thickest skin for a skin technique (or than
            any zone's, where the zone has no figure), or not below its thinnest skin for a
            subcutis one.
    """
    layer, thickness = entry.layer, skin.skin
    if layer is Layer.SUBCUTIS and skin.borrowed_from is not None:
        thickness = None
    if layer is Layer.ANY:
        return [
            record(
                WarningCode.LAYER_UNBOUNDED,
                f"depth is not bounded by a skin layer for {entry.technique.value}: "
                f"{entry.layer_note or 'the catalog names no layer'}",
                parameter="depth",
                sources=entry.layer_sources,
            )
        ]
    if thickness is None:
        return [
            record(
                WarningCode.LAYER_UNCHECKED,
                f"depth is not checked against the {layer.value} layer: the catalog has "
                f"no published skin thickness for the {entry.zone.value}",
                parameter="depth",
            )
        ]
    source = ", ".join(dict.fromkeys((*entry.layer_sources, *thickness.sources)))
    tail = "; a hard limit, no override passes it"
    if layer is Layer.SKIN:
        found = _first(depth > thickness.high_magnitude * (1 + 1e-9), depth, shape)
        allowed = f"at most {thickness.high_magnitude:g} mm"
        there = (
            "there"
            if skin.borrowed_from is None
            else f"on any zone (the {skin.borrowed_from}; the {entry.zone.value}'s is unpublished)"
        )
        expected = f"{allowed} for {where(entry)}, the thickest published skin {there}"
        why = f"deeper leaves the skin {entry.technique.value} is defined in{tail}"
    else:
        found = _first(depth <= thickness.low_magnitude * (1 + 1e-9), depth, shape)
        allowed = f"more than {thickness.low_magnitude:g} mm"
        expected = f"{allowed} for {where(entry)}, below the thinnest published skin there"
        why = (
            f"shallower stays in the skin, not the subcutis "
            f"{entry.technique.value} is defined in{tail}"
        )
    if found is not None:
        index, d = found
        error = HardLimitError(
            "depth",
            f"{d:.6g} mm",
            expected,
            f"source: {cite(source)}; {why}",
            allowed=allowed,
            source=source,
        )
        _raise(error, index)
    if skin.borrowed_from is not None and layer is Layer.SKIN:
        return [
            record(
                WarningCode.LAYER_BORROWED,
                f"depth is bounded by the thickest skin published for any zone, "
                f"{thickness.describe()} on the {skin.borrowed_from} ({cite(thickness.source)}): "
                f"no skin thickness is published for the {entry.zone.value}",
                parameter="depth",
                basis=Basis.ANALOGUE,
                sources=thickness.sources,
            )
        ]
    return []


def check_group_skin(
    entry: Spec,
    found: GroupSkin,
    skin: SkinThickness,
    depth: Any,
    shape: tuple[int, ...] | None = None,
) -> list[WarningRecord]:
    """Hold a skin technique to the patient's group's skin on the site, where it is thinner.

    ``found`` is the group's figure (:func:`mesocalc._catalog.skin.group_skin`), or why
    there is none: then the zone's range (``skin``) holds, and the plan says so.

    Raises:
        HardLimitError: deeper than the group's full skin, for a skin technique.
    """
    figure, thickness = found.skin, skin.skin
    if figure is None:
        return [
            record(
                WarningCode.SKIN_NOT_NARROWED,
                f"depth is bounded by the skin of the {entry.zone.value} for everyone, "
                f"not by the patient's: {found.words}",
                parameter="depth",
                sources=found.sources,
            )
        ]
    if thickness is not None and figure.high_magnitude >= thickness.high_magnitude:
        return []  # the zone's limit is the narrower: it holds
    bad = _first(depth > figure.high_magnitude * (1 + 1e-9), depth, shape)
    if bad is not None:
        index, d = bad
        source = ", ".join(figure.sources)
        allowed = f"at most {PARAMETERS['depth'].show(figure.high_magnitude, 6)}"
        _raise(
            HardLimitError(
                "depth",
                PARAMETERS["depth"].show(d, 6),
                f"{allowed} for {where(entry)}, the full skin of {found.words}",
                f"source: {cite(source)}; deeper leaves the skin {entry.technique.value} is "
                "defined in; a hard limit, no override passes it",
                allowed=allowed,
                source=source,
            ),
            index,
        )
    return []


def check_cap(
    entry: Spec, cap: Range | None, depth: Any, shape: tuple[int, ...] | None = None
) -> None:
    """Refuse a depth beyond the zone's limit, which binds every technique there.

    Raises:
        HardLimitError: deeper than the zone's depth limit (seed 003's 1 mm on the eyelid).
    """
    if cap is None:
        return
    found = _first(depth > cap.high_magnitude * (1 + 1e-9), depth, shape)
    if found is not None:
        index, d = found
        error = HardLimitError(
            "depth",
            f"{d:.6g} mm",
            f"{cap.describe()} on the {entry.zone.value}, for every technique there",
            f"source: {cite(cap.source)}; a hard limit, no override passes it",
            allowed=cap.describe(),
            source=cap.source,
        )
        _raise(error, index)


# What a plan of an unpublished pair must be given: no source publishes a value there.
UNPUBLISHED_NEEDS = ("spacing", "volume_per_point", "depth", "angle")


def unpublished(
    entry: Spec, override: Override | None, given: dict[str, Any], used: list[str]
) -> WarningRecord:
    """The warning of a plan of a technique no source publishes on the zone.

    ``given`` maps the parameters to what the caller gave (None when not given) and
    ``used`` names the techniques published there.

    Raises:
        SoftLimitError: no override says why the technique is used there anyway.
        InvalidValueError: a parameter the zone has no published value for was not given.
    """
    t, z = entry.technique.value, entry.zone.value
    needed = UNPUBLISHED_NEEDS
    if override is None:
        raise SoftLimitError(
            "technique",
            t,
            f"a technique with a published use on the {z}: {', '.join(used) or 'none'}",
            f"no published use of {t} on the {z}; to plan it anyway, pass "
            f"override=Override(reason=...) and give {', '.join(needed)}",
            allowed=", ".join(used),
            source="no source",
        )
    for name in needed:
        if given[name] is None:
            raise InvalidValueError(
                name,
                None,
                f"a {name} given by the caller: no source publishes {t} on the {z}, "
                "so there is no default",
            )
    who = f" by {override.by}" if override.by else ""
    return record(
        WarningCode.UNPUBLISHED_USE,
        f"no published use of {t} on the {z}: planned on {t}'s own ranges, "
        f"overridden{who}: {override.reason}",
        parameter="technique",
    )


def check_session(
    entry: Spec, points: Any, volume_per_point: Any, override: Override | None = None
) -> list[WarningRecord]:
    """Refuse a plan beyond the entry's per-session cap; warn when the cap is not stated.

    A cap the source states for this use is hard. A cap taken from another product's
    label (an analogue) is soft: an override passes it, and the plan says so.

    Raises:
        HardLimitError: more injections, or more volume, than a hard cap allows.
        SoftLimitError: the same beyond a soft cap, without an override.
    """
    cap = entry.session
    if cap is None:
        return []
    per_session = f"per session of {where(entry)}"
    kind = HardLimitError if cap.hard else SoftLimitError
    tail = "a hard limit" if cap.hard else "an analogue: an override passes it"
    out: list[WarningRecord] = []
    checks = []
    if cap.max_points is not None:
        checks.append(
            ("points", points, float(cap.max_points), f"at most {cap.max_points} injections")
        )
    vmax = cap.max_volume_magnitude
    if vmax is not None:
        checks.append(("total_volume", points * volume_per_point, vmax, f"at most {vmax:g} mL"))
    for name, value, limit, allowed in checks:
        found = _first(value > limit * (1 + 1e-9), value)
        if found is None:
            continue
        index, v = found
        shown = int(v) if name == "points" else f"{v:.6g} mL"
        if override is not None and not cap.hard:
            who = f" by {override.by}" if override.by else ""
            out.append(
                record(
                    WarningCode.SESSION_CAP_OVERRIDDEN,
                    f"{name} {shown} is beyond the session cap, {allowed} ({cite(cap.source)}), "
                    f"an analogue: overridden{who}: {override.reason}",
                    parameter=name,
                    basis=cap.basis,
                    sources=cap.sources,
                )
            )
            continue
        hint = "a smaller area or a wider spacing; " if name == "points" else ""
        error = kind(
            name,
            shown,
            f"{allowed} {per_session}",
            f"source: {cite(cap.source)}; {hint}{tail}",
            allowed=allowed,
            source=cap.source,
        )
        _raise(error, index)
    if cap.basis is not Basis.STATED:
        volume = "" if vmax is None else f", {vmax:g} mL"
        out.insert(
            0,
            record(
                WarningCode.SESSION_CAP_NOT_STATED,
                f"session cap ({cap.max_points} injections{volume}) is {cap.basis.value}: "
                f"{cap.note}",
                basis=cap.basis,
                sources=cap.sources,
            ),
        )
    return out


def needle_departures(entry: Spec, needle: Any) -> list[Departure]:
    """The needle's departures from the lengths and gauges the sources name for the technique.

    Each is a soft limit: refused without an override, recorded (``needle_length``,
    ``needle_gauge``) with one. A needle too short for the insertion is hard
    (:func:`check_needle`).
    """
    out = []
    lengths = entry.needle
    if lengths is not None and not lengths.contains(needle.length_mm):
        out.append(Departure("needle_length", needle.length_mm, lengths, needle, "needle"))
    gauges = entry.needle_gauge
    if lengths is not None and gauges is not None and not gauges.contains(needle.gauge):
        named = Range(
            parameter="needle_gauge",
            low_magnitude=float(gauges.low),
            high_magnitude=float(gauges.high),
            sources=lengths.sources,
            basis=lengths.basis,
            note=lengths.note,
        )
        out.append(Departure("needle_gauge", float(needle.gauge), named, needle, "needle"))
    return out


def check_needle(needle: Any, length_mm: float, depth: Any, angle: Any) -> None:
    """Refuse a needle shorter than the insertion, depth / sin(angle) (MICHEELS16).

    Raises:
        HardLimitError: the needle cannot reach the depth at the angle.
    """
    insertion = _core.insertion_length(depth, angle)
    found = _first(length_mm < insertion * (1 - 1e-9), insertion)
    if found is None:
        return
    index, need = found
    d = float(np.broadcast_to(depth, np.shape(insertion))[index or ()])
    a = float(np.broadcast_to(angle, np.shape(insertion))[index or ()])
    error = HardLimitError(
        "needle",
        needle,
        f"a needle at least {need:.3g} mm long",
        f"{d:.6g} mm at {a:.6g} deg inserts {need:.3g} mm of shaft "
        "(depth / sin(angle), source: MICHEELS16)",
        allowed=f"at least {need:.3g} mm",
        source="MICHEELS16",
    )
    _raise(error, index)
