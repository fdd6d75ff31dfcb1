"""The warnings of a catalog entry's ranges: unsourced or analogue, and what they bound.

A plan warns of every range of its entry that no source publishes for that use; a value
the caller gave is bound by such a range only as a limit, and its warning says so. The
warnings depend on the entry and on which values were given alone, so they are cached.
"""

from __future__ import annotations

from typing import Any, Final

from mesocalc._catalog.entries import Basis, Spec
from mesocalc._catalog.warnings import WarningCode, WarningRecord, record
from mesocalc._engine import engine as _engine
from mesocalc._planning.overrides import where
from mesocalc._quantities.parameters import PLANNED

__all__ = ["GIVEN_BITS", "given_bits", "spec_warnings"]


# The order of the bits of spec_warnings' ``given``: the ranged parameters, in plan()'s order.
GIVEN_BITS: Final = PLANNED


def given_bits(given: dict[str, Any]) -> int:
    """Which of :data:`GIVEN_BITS` the caller gave, as bits (cheap to hash, for the cache)."""
    return (
        (given["spacing"] is not None)
        | (given["volume_per_point"] is not None) << 1
        | (given["depth"] is not None) << 2
        | (given["angle"] is not None) << 3
        | (given["loss_fraction"] is not None) << 4
    )


@_engine.cached(4096)
def spec_warnings(
    entry: Spec, given: int = 0
) -> tuple[tuple[WarningRecord, ...], tuple[str, ...]]:
    """Warnings for the unsourced or analogue ranges of an entry, and all its sources.

    A parameter the caller gave (its bit set in ``given``, see :func:`given_bits`) relies
    on its range only as a limit: its warning says so, instead of the note on the default
    the plan did not use.
    """
    named = {n for i, n in enumerate(GIVEN_BITS) if given >> i & 1}
    warnings = []
    sources = dict.fromkeys(entry.sources)
    for name, r in entry.ranges().items():
        sources.update(dict.fromkeys(r.sources))
        if r.basis in (Basis.UNSOURCED, Basis.ANALOGUE):
            if name in named:
                code = WarningCode.GIVEN_VALUE_UNPUBLISHED_RANGE
                text = (
                    f"{name} was checked against a range ({r.describe()}) that is "
                    f"{r.basis.value}, not published for {where(entry)}"
                )
            else:
                code = (
                    WarningCode.RANGE_UNSOURCED
                    if r.basis is Basis.UNSOURCED
                    else WarningCode.RANGE_ANALOGUE
                )
                text = f"{name} ({r.describe()}) is {r.basis.value}: {r.note}"
            warnings.append(record(code, text, parameter=name, basis=r.basis, sources=r.sources))
    return tuple(warnings), tuple(sources)
