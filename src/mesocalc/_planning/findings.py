"""Per-element findings over arrays, for a caller that plans each element apart (plan_frame).

The pipeline's rules raise at the first element they refuse; :func:`findings` runs them so
that every refused element is named with the error plan() would raise for it alone, and
the others are planned together. It is a way of running :data:`pipeline.RULES`, not a
second list of rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from mesocalc._engine import numpy_binding as _numpy
from mesocalc._planning import pipeline as _pipeline
from mesocalc._planning.pipeline import Run
from mesocalc._quantities.units import is_quantity
from mesocalc.exceptions import MesocalcError

if TYPE_CHECKING:
    import numpy as np
else:
    np = _numpy.NUMPY

__all__ = ["findings"]


def findings(current: Run) -> tuple[dict[tuple[int, ...], MesocalcError], Run]:
    """Which elements of a request over arrays the rules refuse, and a run of the others.

    The rules run in their order. A rule names the first element it refuses: that one is
    set aside with the error, and the rule runs again over the elements after it, so that
    one element at fault hides none of the rest (an error naming no element refuses all
    those left); then once more over all those left, which it passes unless one it checks
    apart (a cap on volume beside one on points) was hidden. The rules after it run over
    the elements no rule refused. The run returned holds those, flattened, and has been
    through every rule over them alone.
    """
    shape = current.request.shape
    assert shape is not None  # a request over arrays
    flat = _elements(current, None)  # the rules add to it; ``current`` stays as read
    where = np.arange(int(np.prod(shape)))  # the flat positions of the elements left
    found: dict[tuple[int, ...], MesocalcError] = {}
    for rule in _pipeline.rules_for(current.request):
        while len(where):
            refused: list[int] = []  # positions in ``where``
            start = 0  # the elements before it passed this rule
            while start < len(where):
                try:
                    rule(flat if start == 0 else _elements(flat, slice(start, None)))
                except MesocalcError as exc:
                    at = range(start, len(where)) if exc.index is None else [start + exc.index[0]]
                    refused += at
                    found.update({_at(int(where[k]), shape): exc for k in at})
                    start = at[-1] + 1
                    continue
                break
            if not refused:
                break  # passed over every element left, and added what it finds to ``flat``
            keep = np.ones(len(where), dtype=bool)
            keep[refused] = False
            flat, where = _elements(flat, keep), where[keep]
    return found, (_pipeline.run(_elements(current, where)) if found else flat)


def _at(i: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(k) for k in np.unravel_index(i, shape))


def _elements(current: Run, keep: Any) -> Run:
    """``current`` over the elements of its flattened arrays that ``keep`` picks (None: all)."""
    q = current.request
    assert q.shape is not None
    shape = q.shape

    def pick(value: Any) -> Any:
        if value is None or isinstance(value, str) or not np.ndim(value):
            return value
        if is_quantity(value):
            return type(value)(pick(value.magnitude), value.units)
        flat = np.broadcast_to(value, shape).reshape(-1)
        return flat if keep is None else flat[keep]

    n = int(np.prod(shape))
    picked = attrs.evolve(
        q,
        values={k: pick(v) for k, v in q.values.items()},
        given={k: pick(v) for k, v in q.given.items()},
        shape=(n if keep is None else int(np.arange(n)[keep].size),),
    )
    return Run(
        picked,
        pick(current.area),
        list(current.departures),
        list(current.more),
        count=pick(current.count),
        warnings=current.warnings,
        sources=current.sources,
        per_area_from=current.per_area_from,
        records=current.records,
        placement=current.placement,
    )
