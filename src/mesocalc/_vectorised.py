"""plan() over arrays: the same checks and arithmetic as a scalar plan, on numpy arrays.

``plan()`` hands a request here when any input is array-valued. Every input is
converted once (one multiplication for a Quantity array), checked on its minimum
and maximum (a bad element is then searched for and reported with its index, in
the words a scalar input would get), checked against the catalog range the same
way, and the arithmetic of :mod:`mesocalc._core` runs on whole arrays. No Python
loop runs per element except to parse strings, whose parsing is cached.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from mesocalc._catalog import Catalog, Range, default_catalog
from mesocalc._core import SNAP, Magnitudes, cell_area
from mesocalc._guardrails import _DIMS, Guard
from mesocalc._inputs import read, read_array
from mesocalc._names import Lattice, resolve
from mesocalc._plan import Plan, _show, _spec_warnings, _thread_length
from mesocalc._units import Dim, any_array
from mesocalc.exceptions import InputTypeError, InvalidValueError, MesocalcError

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["count_cells", "describe", "plan_array", "take"]

# Point counts stay exact in float64 and int64 below this; more points is no plan.
_MAX_POINTS: Final = 2.0**53


_CHUNK: Final = 1 << 14

_ORDER: Final = ("area", "spacing", "volume_per_point", "depth", "angle", "loss_fraction")


def _read(value: Any, parameter: str, dim: Dim) -> Magnitudes:
    return read_array(value, parameter, dim) if any_array(value) else read(value, parameter, dim)


def _within(m: Any, r: Range) -> Any:
    """:meth:`Range.contains`, elementwise."""
    tol = 1e-9 * max(abs(r.high_magnitude), 1e-12)
    above = m > r.low_magnitude + tol if r.low_open else m >= r.low_magnitude - tol
    return above & (m <= r.high_magnitude + tol)


def _choose(value: Any, parameter: str, r: Range, guard: Guard) -> float:
    """One value through the guardrails; arrays take no override, so a departure raises."""
    one = Guard(guard.entry, guard.skin, None)
    m = one.choose(value, parameter, r)
    one.records()
    return m


def _choose_array(value: Any, parameter: str, r: Range, guard: Guard) -> Magnitudes:
    """The caller's values, each checked against the range, or the range's nominal value."""
    if not any_array(value):
        return _choose(value, parameter, r, guard)
    return read_array(
        value,
        parameter,
        _DIMS[parameter],
        each=functools.partial(_choose, parameter=parameter, r=r, guard=guard),
        within=functools.partial(_within, r=r),
    )


def _first(bad: Any) -> tuple[int, ...] | None:
    """The index of the first true element, or None."""
    flat = np.flatnonzero(bad)
    return None if flat.size == 0 else tuple(int(i) for i in np.unravel_index(flat[0], bad.shape))


def _hard_limits(guard: Guard, depth: Any, points: Any, volume_per_point: Any) -> list[str]:
    """The whole-plan hard limits of a scalar plan (skin layer, session cap), elementwise."""
    skin = guard.skin.skin
    bad: Any = False
    if skin is not None and guard.entry.layer.value == "skin":
        bad = depth > skin.high_magnitude * (1 + 1e-9)
    elif skin is not None and guard.entry.layer.value == "subcutis":
        bad = depth <= skin.low_magnitude * (1 + 1e-9)
    index = _first(np.broadcast_to(bad, np.shape(points))) if np.any(bad) else None
    warnings: list[str] = []
    depth = np.broadcast_to(depth, np.shape(points))
    if np.size(depth):
        probe = float(depth.flat[0]) if index is None else float(depth[index])
        try:
            warnings = guard.check_layer(probe)
        except MesocalcError as exc:
            raise exc.at(index or ()) from None
    cap = guard.entry.session
    if cap is not None:
        total = points * volume_per_point
        over = np.zeros(np.shape(points), dtype=bool)
        if cap.max_points is not None:
            over |= points > cap.max_points
        if cap.max_volume_magnitude is not None:
            over |= total > cap.max_volume_magnitude * (1 + 1e-9)
        index = _first(over)
        if np.size(points):
            at = index if index is not None else (0,) * np.ndim(points)
            try:
                warnings += guard.check_session(int(points[at]), float(total[at]))
            except MesocalcError as exc:
                raise exc.at(at) from None
    return warnings


def count_cells(area: Any, cell: Any) -> NDArray[np.int64]:
    """:func:`mesocalc._core.count_cells`, elementwise: the same expression, on arrays.

    Runs over chunks that stay in the CPU cache, so that its temporaries never cost
    an allocation (and its page faults) the size of the whole array.
    """
    shape = np.broadcast_shapes(np.shape(area), np.shape(cell))
    out = np.empty(shape, dtype=np.int64)
    with np.nditer(
        [area, np.divide(cell, SNAP), out],
        flags=["external_loop", "buffered", "zerosize_ok", "grow_inner"],
        op_flags=[["readonly"], ["readonly"], ["writeonly"]],
        op_dtypes=[np.float64, np.float64, np.float64],
        casting="unsafe",
        buffersize=_CHUNK,
    ) as it:
        for a, c, o in it:
            ratio = np.divide(a, c)
            np.ceil(ratio, out=ratio)
            np.maximum(ratio, 1.0, out=o)
    return out


def _shape(values: dict[str, Magnitudes]) -> tuple[int, ...]:
    shape: tuple[int, ...] = ()
    for name in _ORDER:
        try:
            shape = np.broadcast_shapes(shape, np.shape(values[name]))
        except ValueError:
            raise InvalidValueError(
                name,
                f"an array of shape {np.shape(values[name])}",
                f"a shape that broadcasts with {shape}",
            ) from None
    return shape


def _frozen(value: float | NDArray[Any], shape: tuple[int, ...]) -> NDArray[Any]:
    return np.broadcast_to(value, shape)  # a read-only view: plans are immutable


def plan_array(
    *,
    technique: Any,
    zone: Any,
    area: Any,
    spacing: Any,
    volume_per_point: Any,
    depth: Any,
    angle: Any,
    loss_fraction: Any,
    lattice: Any,
    catalog: Catalog | None,
) -> Plan:
    """:func:`mesocalc.plan` when some input is array-valued; same arguments, same checks."""
    entry = (catalog or default_catalog()).spec(technique, zone)
    guard = Guard.start(entry, catalog or default_catalog(), None)
    grid = resolve(Lattice, lattice, "lattice")
    values: dict[str, Magnitudes] = {"area": _read(area, "area", Dim.AREA)}
    given = {
        "spacing": spacing,
        "volume_per_point": volume_per_point,
        "depth": depth,
        "angle": angle,
        "loss_fraction": loss_fraction,
    }
    for name, value in given.items():
        values[name] = _choose_array(value, name, getattr(entry, name), guard)
    shape = _shape(values)
    s = values["spacing"]
    thread = _thread_length(entry, grid, lattice)
    cell = cell_area(s, grid, thread)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        area_mm2 = np.asarray(values["area"], dtype=np.float64)
        # max(area) / min(cell) bounds every ratio; only a custom catalog's tiny spacing
        # can pass it, and then the exact check decides.
        if np.size(cell) and area_mm2.size:
            bound = np.max(area_mm2) / np.min(cell)
            if not bound <= _MAX_POINTS and not np.max(area_mm2 / cell) <= _MAX_POINTS:
                raise InvalidValueError(
                    "spacing", spacing, f"a spacing giving at most {_MAX_POINTS:.0f} points"
                )
        points = count_cells(area_mm2, cell)
    warnings, sources = _spec_warnings(entry)
    # Computed on the inputs before broadcasting: a shared depth or angle costs one value.
    depth, angle, vpp = values["depth"], values["angle"], values["volume_per_point"]
    frozen_points = _frozen(points, shape)
    warnings += tuple(_hard_limits(guard, depth, frozen_points, vpp))
    return Plan(
        technique=entry.technique,
        zone=entry.zone,
        lattice=grid,
        points=frozen_points,
        loss_fraction=_frozen(values["loss_fraction"], shape),
        warnings=warnings,
        sources=sources,
        area_mm2=_frozen(values["area"], shape),
        spacing_mm=_frozen(s, shape),
        volume_per_point_ml=_frozen(values["volume_per_point"], shape),
        depth_mm=_frozen(depth, shape),
        angle_deg=_frozen(angle, shape),
        thread_length_mm=None if thread is None else _frozen(thread, shape),
        insertion_length_mm=_frozen(depth / np.sin(np.radians(angle)), shape),
    )


def _pick(value: Any, index: Any) -> Any:
    if value is None:
        return None
    out = value[index]
    return out.item() if isinstance(out, np.generic) else _frozen(out, np.shape(out))


def take(p: Plan, index: Any) -> Plan:
    """``p[index]``: the plan of one element (a scalar plan) or of a sub-array."""
    try:
        points = p.points[index]  # type: ignore[index]
    except (IndexError, TypeError, ValueError) as exc:
        raise InputTypeError("index", index, f"an index into a plan of shape {p.shape}") from exc
    del points
    return Plan(
        technique=p.technique,
        zone=p.zone,
        lattice=p.lattice,
        points=_pick(p.points, index),
        loss_fraction=_pick(p.loss_fraction, index),
        warnings=p.warnings,
        sources=p.sources,
        area_mm2=_pick(p._area, index),
        spacing_mm=_pick(p._spacing, index),
        volume_per_point_ml=_pick(p._volume_per_point, index),
        depth_mm=_pick(p._depth, index),
        angle_deg=_pick(p._angle, index),
        thread_length_mm=_pick(p._thread_length, index),
        insertion_length_mm=_pick(p._insertion_length, index),
    )


def _span(name: str, values: Any) -> str:
    if np.size(values) == 0:
        return "-"
    low, high = float(np.min(values)), float(np.max(values))
    if low == high:
        return _show(name, low)
    return f"{_show(name, low).split()[0]} to {_show(name, high)}"


def describe(p: Plan, form: str) -> str:
    """The repr (``form="repr"``) or the table of a plan over arrays: ranges, not elements."""
    mags = p._magnitudes()
    shape = "x".join(str(n) for n in p.shape)
    points = np.asarray(p.points)
    low, high = (int(points.min()), int(points.max())) if points.size else (0, 0)
    if form == "repr":
        return (
            f"<Plan {p.technique.value} on {p.zone.value}, {shape} areas of "
            f"{_span('area', mags['area'])}: {low} to {high} points, "
            f"total {_span('total_volume', mags['total_volume'])}"
            f"{f', {len(p.warnings)} warnings' if p.warnings else ''}>"
        )
    rows = [
        ("technique", p.technique.value),
        ("zone", p.zone.value),
        ("lattice", p.lattice.value),
        ("shape", shape),
        ("points", f"{low} to {high}"),
    ]
    for name, value in mags.items():
        if value is not None:
            rows.append((name, _span(name, value)))
    fractions = np.asarray(p.loss_fraction)
    if fractions.size:
        low_f, high_f = float(fractions.min()), float(fractions.max())
        rows.append(
            ("loss_fraction", f"{low_f:g}" if low_f == high_f else f"{low_f:g} to {high_f:g}")
        )
    width = max(len(k) for k, _ in rows)
    return "\n".join(
        [f"{k:<{width}}  {v}" for k, v in rows] + [f"warning: {w}" for w in p.warnings]
    )
