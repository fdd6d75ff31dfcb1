"""Multi-needle injector heads and how many placements ("shots") cover a layout.

Heads carry 1 to 18 needles (SEED0: multi-injectors with up to 18 needles; BRUNO:
3-18 needles; MINIMALCUT: heads commonly of 5 or 9). Here a head's needles stand
in a rectangular grid of ``rows`` x ``needles / rows`` on a square lattice, one
``pitch`` apart. No published source gives the needle pitch of any head, so
``pitch`` has no default: left out, the head is taken to match the plan's
spacing, and the plan says so in its warnings.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np

from mesocalc._quantities.inputs import read
from mesocalc._quantities.units import quantity
from mesocalc._records import codec as _codec
from mesocalc.exceptions import InputTypeError, InvalidValueError

if TYPE_CHECKING:
    from mesocalc.typing import Quantity

__all__ = ["MAX_NEEDLES", "Injector", "shots"]

MAX_NEEDLES: Final = 18  # SEED0: "multi-injectors containing up to 18 needles"


def _needles(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputTypeError(
            "needles", value, "a whole number of needles", f"got a {type(value).__name__}"
        )
    if not 1 <= value <= MAX_NEEDLES:
        raise InvalidValueError(
            "needles",
            value,
            f"1 to {MAX_NEEDLES} needles",
            "SEED0: multi-injectors carry up to 18 needles",
        )
    return int(value)


def _pitch(value: Any) -> float | None:
    return None if value is None else read(value, "pitch")


def _squarest(needles: int) -> int:
    """The largest divisor of ``needles`` not above its square root: 9 -> 3, 5 -> 1, 18 -> 3."""
    return max(d for d in range(1, math.isqrt(needles) + 1) if needles % d == 0)


@attrs.frozen(kw_only=True, repr=False)
class Injector:
    """A head of ``needles`` needles in ``rows`` rows, ``pitch`` apart.

    Args:
        needles: 1 to 18 (SEED0).
        rows: rows of needles across the head; by default the squarest grid
            (9 needles: 3 x 3; 5 needles: one row of 5; 18 needles: 3 x 6).
        pitch: distance between neighbouring needles; unsourced, so no default. When
            given, a plan's points are laid at this spacing.

    Examples:
        >>> import mesocalc
        >>> mesocalc.Injector(needles=9)
        Injector(needles=9, rows=3, columns=3, pitch=None)
        >>> print(mesocalc.Injector(needles=5, pitch="4 mm").pitch)
        4.0 millimeter
    """

    needles: int = attrs.field(converter=_needles, metadata=_codec.whole())
    rows: int = attrs.field(
        default=attrs.Factory(lambda self: _squarest(self.needles), takes_self=True),
        metadata=_codec.whole(),
    )
    _pitch: float | None = attrs.field(
        default=None,
        converter=_pitch,
        alias="pitch",
        metadata=_codec.quantity_field("pitch", given=True),
    )

    @rows.validator
    def _check_rows(self, _: Any, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise InputTypeError("rows", value, "a whole number of rows")
        if value < 1 or self.needles % value:
            divisors = [d for d in range(1, self.needles + 1) if self.needles % d == 0]
            raise InvalidValueError(
                "rows",
                value,
                f"a divisor of the {self.needles} needles: {', '.join(map(str, divisors))}",
            )

    @property
    def columns(self) -> int:
        """Needles per row."""
        return self.needles // self.rows

    @property
    def pitch(self) -> Quantity | None:
        """Distance between neighbouring needles, in mm, or None when not given."""
        return None if self._pitch is None else quantity(self._pitch, "millimeter")

    @property
    def pitch_mm(self) -> float | None:
        """The pitch as a float in mm, or None."""
        return self._pitch

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict naming its schema (``mesocalc.injector``)."""
        return _codec.dump(self, "mesocalc.injector")

    @classmethod
    def from_dict(cls, data: Any) -> Injector:
        """Rebuild an Injector from :meth:`to_dict` output, checked as a new one is."""
        return _codec.load(cls, data, "mesocalc.injector")

    def __repr__(self) -> str:
        pitch = "None" if self._pitch is None else repr(f"{self._pitch:.6g} mm")
        return (
            f"Injector(needles={self.needles}, rows={self.rows}, columns={self.columns}, "
            f"pitch={pitch})"
        )


def shots(indices: np.ndarray[Any, Any], injector: Injector) -> int:
    """Fewest head placements on a tiling of the lattice that cover every point.

    The head tiles the lattice in blocks of columns x rows points; every offset of
    that tiling is tried and the one needing fewest placements is kept. A placement
    that overhangs the layout still counts as one shot.
    """
    if len(indices) == 0:
        return 0
    cols, rows = injector.columns, injector.rows
    i = indices[:, 0] - indices[:, 0].min()
    j = indices[:, 1] - indices[:, 1].min()
    width, height = int(i.max()) + 1, int(j.max()) + 1
    # The occupied lattice cells as a boolean image (no larger than the layout's own
    # candidates); each tiling offset is then one padded reshape and any().
    padded_w = -(-(width + cols) // cols) * cols
    padded_h = -(-(height + rows) // rows) * rows
    best = len(indices)
    for a in range(cols):
        for b in range(rows):
            image = np.zeros((padded_h, padded_w), dtype=bool)
            image[j + b, i + a] = True
            blocks = image.reshape(padded_h // rows, rows, padded_w // cols, cols)
            best = min(best, int(blocks.any(axis=(1, 3)).sum()))
    return best
