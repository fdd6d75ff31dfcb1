"""The planner's memo of requests seen before: speed machinery kept out of the planner.

A plan of one area from strings takes a few microseconds, most of them spent reading and
checking inputs that a caller planning many areas repeats. The checks of every input but
the area depend on the inputs alone (and on the area only through the point count), so
a request seen before is planned again by reading its area, counting, and checking what
depends on the count (the dose per area and the session cap). Only requests that passed
with no departure from a range, no override, no parts and a published entry are kept;
the memo is cleared when full. It holds the process's one mutable store of plans, here
in the engine rather than in the planner; the planner builds the Plan either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, NamedTuple

from mesocalc import _core, _engine, _guardrails, _numpy, _units
from mesocalc._inputs import read
from mesocalc._names import Lattice, Technique, Zone
from mesocalc._plan import dose_per_area

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np

    from mesocalc._catalog import Catalog
    from mesocalc._catalog_entries import Spec
    from mesocalc._plan import Plan
    from mesocalc._warning import WarningRecord
else:
    np = _numpy.NUMPY

__all__ = ["Kept", "clear", "keep", "seen_before"]


class Kept(NamedTuple):
    """What the checks made of a request that passed them all, but for its area."""

    book: Catalog
    entry: Spec
    grid: Lattice
    thread: float | None
    chosen: tuple[float, float, float, float]  # spacing, volume per point, depth, angle
    loss: float
    warnings: tuple[WarningRecord, ...]
    sources: tuple[str, ...]
    layer: tuple[WarningRecord, ...]


_REQUESTS: Final[dict[tuple[Any, ...], Kept]] = _engine.table("memo.requests")
_MAX_REQUESTS: Final = 1024
_KEYED: Final = (float, int)
_NAMES: Final = (str, Technique, Zone, Lattice)


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
    mag = value.magnitude
    if type(mag) not in _KEYED or mag == 0:
        return None
    return (kind, type(mag), mag, value._units)


def seen_before(
    book: Catalog,
    parts: tuple[Any, ...],
    names: tuple[Any, ...],
    numbers: tuple[Any, ...],
    made: Callable[..., Plan],
) -> tuple[tuple[Any, ...] | None, Plan | None]:
    """The request's key in the memo (or None), and its plan if it was seen before.

    ``made`` is the planner's builder of a Plan from the catalog, entry, lattice, the
    counted and chosen values, the warnings and the sources, as a fresh plan is built.
    No key when the request has parts (an override, a shape's margin, a needle...), which
    are planned in full every time, or an input that cannot be keyed.
    """
    for part in parts:  # by identity: an array's == gives an array
        if part is not None:
            return None, None
    key: list[Any] = [id(book)]
    for n in names:
        if type(n) not in _NAMES:
            return None, None
        key.append(n)
    cls = _units.quantity_class()
    for v in numbers[1:]:
        k = _input_key(v, cls)
        if k is None:
            return None, None
        key.append(k)
    found = tuple(key)
    seen = _REQUESTS.get(found)
    if seen is None or seen[0] is not book or not _scalar_area(numbers[0]):  # [0]: its book
        return found, None
    return found, _plan_again(seen, numbers[0], numbers[1], made)


def keep(  # noqa: PLR0917 - private: what plan() has chosen
    key: tuple[Any, ...],
    book: Catalog,
    entry: Spec,
    grid: Lattice,
    thread: float | None,
    values: dict[str, float],
    spec_notes: tuple[Any, Any],
) -> None:
    """Keep what the checks made of a request that passed them all (see the module)."""
    if not entry.published:
        return
    d = values["depth"]
    layer = tuple(_guardrails.check_layer(entry, book.layer_thickness(entry.zone), d))
    chosen = (values["spacing"], values["volume_per_point"], d, values["angle"])
    if len(_REQUESTS) >= _MAX_REQUESTS:
        _REQUESTS.clear()
    _REQUESTS[key] = Kept(
        book, entry, grid, thread, chosen, values["loss_fraction"], *spec_notes, layer
    )


def _scalar_area(area: Any) -> bool:
    """Whether ``area`` is one value read as plan() reads a scalar area (a string or Quantity)."""
    if type(area) is str:
        return True
    cls = _units.quantity_class()
    return cls is not None and isinstance(area, cls) and not isinstance(area.magnitude, np.ndarray)


def _plan_again(seen: Kept, area: Any, spacing: Any, made: Callable[..., Plan]) -> Plan:
    """plan() for a request seen before, over its own area."""
    book, entry, grid, thread, (s, vpp, d, a), loss, warnings, sources, layer = seen
    area_mm2 = read(area, "area")
    count = _core.count_points(area_mm2, _core.cell_area(s, grid, thread), spacing)
    dose_per_area(count * vpp, area_mm2 / 100.0)  # the insertion length needs no area
    more = [*layer, *_guardrails.check_session(entry, count, vpp)]
    values = (count, loss, area_mm2, s, vpp, d, a, thread)
    return made(book, entry, grid, values, (*warnings, *more) if more else warnings, sources)
