"""plan_frame(): a DataFrame of requests in, a DataFrame of plans out (pandas is optional).

Rows are grouped by technique, zone, lattice and which parameters they leave
unset, and each group is planned in one vectorised call. pandas and pint-pandas
are imported when this is called, never at ``import mesocalc``.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from mesocalc._catalog import Catalog
from mesocalc._parameters import PARAMETERS, RANGED
from mesocalc._plan_array import PlanArray
from mesocalc._planner import plan
from mesocalc.exceptions import InputTypeError, MesocalcError

__all__ = ["plan_frame"]

_REQUIRED: Final = ("technique", "zone", "area")
_OPTIONAL: Final = (*RANGED, "lattice")
# Result columns, each a pint-pandas column in its shown unit (but the counts and fractions).
_RESULTS: Final = (
    "points",
    "area",
    "spacing",
    "volume_per_point",
    "depth",
    "angle",
    "loss_fraction",
    "total_volume",
    "expected_loss",
    "delivered_volume",
)


def _column(series: Any) -> Any:
    """A request column as plan() takes it: a Quantity array, or an array of strings/numbers."""
    if hasattr(series, "pint"):
        try:
            return series.pint.quantity
        except (AttributeError, TypeError):
            pass
    return series.to_numpy(dtype=object)


def _results(p: PlanArray, index: Any, pd: Any) -> Any:
    columns: dict[str, Any] = {
        "technique": p.technique.value,
        "zone": p.zone.value,
        "lattice": p.lattice.value,
    }
    for name in _RESULTS:
        value = getattr(p, name)
        if name == "points" or PARAMETERS[name].dim.label == "fraction":
            columns[name] = np.asarray(value)
        else:
            unit = PARAMETERS[name].shown_unit
            columns[name] = pd.Series(
                np.asarray(value.to(unit).magnitude, dtype=np.float64),
                dtype=f"pint[{unit}]",
                index=index,
            )
    columns["warnings"] = "; ".join(p.warnings)
    return pd.DataFrame(columns, index=index)


def plan_frame(requests: Any, *, catalog: Catalog | None = None) -> Any:
    """Plan every row of a DataFrame of requests; the result has one row per request.

    ``requests`` has the columns ``technique``, ``zone`` and ``area``, and may have
    ``spacing``, ``volume_per_point``, ``depth``, ``angle``, ``loss_fraction`` and
    ``lattice``: unit strings ("40 cm^2"), pint-pandas columns (dtype
    ``pint[cm^2]``) or, for the loss fraction, numbers. A missing value (None, NaN)
    takes the catalog's nominal value, as an unset argument of :func:`plan` does.

    The result keeps the index of ``requests`` and has the columns ``technique``,
    ``zone``, ``lattice``, ``points`` (int), ``area`` (cm²), ``spacing``, ``depth``
    (mm), ``angle`` (deg), ``volume_per_point``, ``total_volume``,
    ``expected_loss``, ``delivered_volume`` (mL) as pint-pandas columns, and
    ``loss_fraction`` and ``warnings``. Requires ``pip install "mesocalc[pandas]"``.

    Raises:
        MesocalcError: as :func:`plan`, for the first bad row; ``detail`` names the
            row's label and ``index`` is its position in ``requests``.
        InputTypeError: ``requests`` is not a DataFrame or lacks a required column.

    Examples:
        >>> import pandas as pd, mesocalc
        >>> requests = pd.DataFrame(
        ...     {"technique": ["classic", "classic", "nappage"], "zone": "face",
        ...      "area": ["4 cm^2", "40 cm^2", "10 cm^2"], "depth": [None, "1 mm", None]}
        ... )
        >>> plans = mesocalc.plan_frame(requests)
        >>> plans[["technique", "points", "loss_fraction"]]
          technique  points  loss_fraction
        0   classic       4            0.0
        1   classic      40            0.0
        2   nappage     112            0.5
        >>> volumes = plans["total_volume"].pint.to("uL")
        >>> volumes.pint.units, volumes.pint.magnitude.round(6).tolist()
        (<Unit('microliter')>, [40.0, 400.0, 112.0])
    """
    import pandas as pd  # noqa: PLC0415 - an optional extra, imported on use
    import pint_pandas  # noqa: PLC0415, F401 - registers the pint[...] dtype with pandas

    if not isinstance(requests, pd.DataFrame):
        raise InputTypeError("requests", requests, "a pandas DataFrame of plan requests")
    missing = [c for c in _REQUIRED if c not in requests.columns]
    if missing:
        raise InputTypeError(
            "requests", list(requests.columns), f"columns {', '.join(_REQUIRED)}", "missing"
        )
    given = [c for c in _OPTIONAL if c in requests.columns]
    positions = pd.RangeIndex(len(requests))
    work = requests.reset_index(drop=True)
    keys = pd.DataFrame(
        {
            "technique": work["technique"].astype(str),
            "zone": work["zone"].astype(str),
            "lattice": work["lattice"].astype(str) if "lattice" in given else "square",
            **{f"unset {c}": work[c].isna() for c in given if c != "lattice"},
        }
    )
    parts = []
    for key, rows in keys.groupby(list(keys.columns), sort=False).indices.items():
        technique, zone, lattice, *unset = key
        chosen = work.iloc[rows]
        kwargs = {
            c: _column(chosen[c])
            for c, skip in zip((c for c in given if c != "lattice"), unset, strict=True)
            if not skip
        }
        try:
            p = plan(
                technique=technique,
                zone=zone,
                lattice=lattice,
                area=_column(chosen["area"]),
                catalog=catalog,
                **kwargs,
            )
        except MesocalcError as exc:
            row = int(rows[exc.index[0]]) if exc.index else int(rows[0])
            label = requests.index[row]
            detail = exc.detail.partition(": ")[2] if exc.index else exc.detail
            where = f"row {label!r}"
            error = type(exc)(
                **{**exc._fields(), "detail": f"{where}: {detail}" if detail else where}
            )
            error.index = (row,)
            raise error from None
        assert isinstance(p, PlanArray)  # the area is a column: always an array
        parts.append(_results(p, positions[rows], pd))
    if not parts:
        return pd.DataFrame(columns=["technique", "zone", "lattice", *_RESULTS, "warnings"])
    out = pd.concat(parts).sort_index()
    out.index = requests.index
    return out
