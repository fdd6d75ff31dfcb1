"""plan_frame(): a DataFrame of requests in, a DataFrame of plans out (pandas is optional).

A clinic's table has bad rows, and plans must not cost one plan() per row. Cells are
read once; rows are grouped by technique, zone, lattice and which parameters they
leave unset, and each group is planned in one vectorised call. Rows the arrays
cannot plan as plan() would go through plan() one by one, so that each gets exactly
the plan, warnings or error plan() gives it: a cell that does not read, a value
outside its domain or the catalog's range (an "about" value warns per row, which
plans over arrays do not), an override, a needle or a syringe, and each row of a group
that a rule refuses (a skin layer, a session cap), which the pipeline's per-row findings
name. pandas and pint-pandas are imported on use, never at ``import mesocalc``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np

from mesocalc._catalog.catalog import Catalog, default_catalog
from mesocalc._engine import engine as _engine
from mesocalc._exchange.frame_results import (
    _COUNTS,
    _QUANTITIES,
    _RESULTS,
    _TEXTS,
    _pint_array,
    _plans_class,
    suffixed,
)
from mesocalc._planning import findings as _findings
from mesocalc._planning import made as _made
from mesocalc._planning import pipeline as _pipeline
from mesocalc._planning.plan import Plan
from mesocalc._planning.planner import plan
from mesocalc._planning.range_warnings import GIVEN_BITS
from mesocalc._quantities.magnitudes import any_array, magnitudes
from mesocalc._quantities.names import Lattice, resolve
from mesocalc._quantities.parameters import PARAMETERS, RANGED
from mesocalc._quantities.units import MAX_ELEMENTS, Dim, magnitude, quantity
from mesocalc.exceptions import (
    InputTypeError,
    InvalidValueError,
    MesocalcError,
    UnknownNameError,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from mesocalc._planning.plan_array import PlanArray

__all__ = ["plan_frame", "plan_partitions"]

_REQUIRED: Final = ("technique", "zone", "area")
_NAMES: Final = ("technique", "zone", "lattice")
_NUMBERS: Final = ("area", *RANGED)
_EQUIPMENT: Final = (
    "override",
    "override_by",
    "needle_gauge",
    "needle_length",
    "syringe",
    "low_dead_space",
)
_COLUMNS: Final = (*_REQUIRED, *RANGED, "lattice", *_EQUIPMENT)  # every column read
_EMPTY: Final = {  # what an empty cell of a required column lacks
    "technique": "a technique in every row, such as 'classic'",
    "zone": "a zone in every row, such as 'face'",
    "area": "an area in every row, such as '40 cm^2'",
}
_FIELDS: Final = {  # the column each field of an Override or a Needle comes from
    "reason": "override",
    "by": "override_by",
    "gauge": "needle_gauge",
    "length": "needle_length",
}
_SEPARATOR: Final = "; "


def _check_columns(columns: Any) -> None:
    """Refuse a duplicated or unknown column, or a missing required one, naming it."""
    names = [str(c) for c in columns]
    twice = sorted({c for c in names if names.count(c) > 1})
    if twice:
        raise InvalidValueError("requests", twice[0], "each column once", "a duplicated column")
    unknown = [c for c in names if c not in _COLUMNS]
    if unknown:
        others = ", ".join(repr(c) for c in unknown[1:])
        raise UnknownNameError(
            "requests",
            unknown[0],
            "a column plan_frame reads: " + ", ".join(_COLUMNS),
            "an unknown column" + (f"; also unknown: {others}" if others else ""),
            suggestions=tuple(difflib.get_close_matches(unknown[0], _COLUMNS, n=2)),
        )
    for name in _REQUIRED:
        if name not in names:
            raise InputTypeError(
                "requests",
                names,
                "the columns 'technique', 'zone' and 'area'",
                f"no column {name!r}",
            )


def _renamed(exc: MesocalcError, column: str) -> MesocalcError:
    """``exc`` naming the table's column rather than the keyword it was read as."""
    error = type(exc)(**{**exc._fields(), "parameter": column})
    error.index = exc.index
    return error


def _built(make: Callable[[], Any], column: str) -> Any:
    """``make()`` (an Override, Needle or Syringe), its errors naming their column."""
    try:
        return make()
    except MesocalcError as exc:
        raise _renamed(exc, _FIELDS.get(exc.parameter, column)) from None


def _one(p: Plan) -> dict[str, float | None]:
    """A plan's results in their shown units, as its properties give them."""
    values = p._values()
    return {
        n: None if values.get(n) is None else PARAMETERS[n].to_shown(values[n])
        for n in _QUANTITIES
    }


def _item(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _gauge(value: Any) -> Any:
    """A gauge as a CSV gives it: 30.0 in a column with empty cells is 30."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# plan()'s parts (override, margin, ...) that plans over arrays go without.
_NO_PARTS: Final = (None,) * 9


class _Table:
    """The request columns, read once, and the rows' results as they are found."""

    def __init__(self, work: Any, catalog: Catalog | None, pd: Any) -> None:
        self.n = n = len(work)
        self.catalog = catalog
        self.book = default_catalog() if catalog is None else catalog
        self.given = [c for c in _COLUMNS if c in work.columns]
        self.nowhere = np.ones(n, dtype=bool)  # the cells of a column the table lacks
        self.missing: dict[str, NDArray[np.bool_]] = {
            c: work[c].isna().to_numpy(dtype=bool) for c in self.given
        }
        self.cells: dict[str, NDArray[Any]] = {
            c: work[c].to_numpy(dtype=object) for c in self.given
        }
        # Rows for plan() one by one: a cell that does not read, or a name that is not text.
        self.alone = np.zeros(n, dtype=bool)
        self.canonical: dict[str, Any] = {}
        self.arrays: dict[str, Any] = {
            c: self._read(work[c], c) for c in _NUMBERS if c in self.given
        }
        for name in _NAMES:
            if name in self.given and pd.api.types.infer_dtype(self.cells[name]) != "string":
                self.alone |= (
                    np.fromiter((type(v) is not str for v in self.cells[name]), bool, n)
                    & ~self.missing[name]
                )
        self.texts = {c: np.full(n, None, dtype=object) for c in _TEXTS}
        self.numbers = {c: np.full(n, np.nan) for c in (*_QUANTITIES, "loss_fraction")}
        self.counts = {c: np.zeros(n, dtype=np.int64) for c in _COUNTS}
        self.counted = {c: np.zeros(n, dtype=bool) for c in _COUNTS}
        self.units: dict[str, Any] = {}  # the shown unit of each result, as pint keeps it
        self.errors: dict[int, MesocalcError] = {}
        self.made: dict[tuple[Any, ...], Any] = {}  # overrides, needles, syringes

    def _read(self, series: Any, name: str) -> Any:
        """A column as plan() takes arrays: a Quantity array (floats for a fraction).

        Cells are read once, here, not at every call on a part of a group; a cell that
        does not read leaves its row to plan(), which says why. ``canonical`` keeps the
        magnitudes, for the checks that pick out rows before the arrays are planned.
        """
        p = PARAMETERS[name]
        if hasattr(series, "pint"):  # a pint-pandas column: a Quantity array already
            try:
                q = series.pint.quantity
            except (AttributeError, TypeError):
                pass
            else:
                try:
                    m = magnitudes(q, name, p.dim)
                except MesocalcError:
                    return q  # the wrong unit: the group's plan() says so, row by row
                self.canonical[name] = m
                return quantity(m, p.unit)
        if p.dim is Dim.FRACTION and series.dtype.kind in "fiu":  # numbers: read as they are
            m = series.to_numpy(dtype=np.float64, na_value=np.nan)
            self.canonical[name] = m
            return m
        m = np.full(self.n, np.nan)
        cells = self.cells[name]
        for row in np.flatnonzero(~self.missing[name]):
            try:
                m[row] = magnitude(cells[row], name, p.dim)
            except MesocalcError:
                self.alone[row] = True
        self.canonical[name] = m
        return m if p.dim is Dim.FRACTION else quantity(m, p.unit)

    def unset(self, name: str) -> NDArray[np.bool_]:
        """Rows that leave ``name`` unset (no column, or an empty cell)."""
        if name not in self.given:
            return self.nowhere
        return self.missing[name]

    def one_by_one(self) -> NDArray[np.bool_]:
        """Rows with an override, a needle or a syringe (plan() takes them for one area)."""
        rows = self.alone.copy()
        for name in _EQUIPMENT:
            if name == "low_dead_space" and name in self.given:
                cells = self.cells[name]
                rows |= ~self.missing[name] & np.fromiter(
                    (v is not False and v is not np.False_ for v in cells), bool, self.n
                )
            elif name in self.given:
                rows |= ~self.missing[name]
        return rows

    # One row through plan().

    def _cell(self, name: str, row: int) -> Any:
        return None if self.unset(name)[row] else _item(self.cells[name][row])

    def request(self, row: int) -> dict[str, Any]:
        """The keyword arguments of plan() for one row, equipment built from its cells."""
        kwargs: dict[str, Any] = {}
        for name in (*_REQUIRED, *RANGED, "lattice"):
            value = self._cell(name, row)
            if value is not None:
                if name in _NUMBERS and any_array(value):  # plan() would plan arrays
                    raise InputTypeError(name, value, "one value in a cell, such as '40 cm^2'")
                kwargs[name] = value
        kwargs.update(self._equipment(row))
        return kwargs

    def _equipment(self, row: int) -> dict[str, Any]:
        """The Override, Needle and Syringe of a row's cells; errors name the column."""
        from mesocalc._planning.equipment import Needle, Syringe  # noqa: PLC0415 - loaded on first use
        from mesocalc._planning.overrides import Override  # noqa: PLC0415 - as plan() loads it

        out: dict[str, Any] = {}
        reason, by = self._cell("override", row), self._cell("override_by", row)
        if by is not None and reason is None:
            raise InvalidValueError(
                "override_by", by, "an override reason beside it: who departs, and why"
            )
        if reason is not None:
            fields = {"reason": reason, "by": by}
            out["override"] = self._made(
                fields, lambda: Override(reason=reason, by=by), "override"
            )
        gauge, length = self._cell("needle_gauge", row), self._cell("needle_length", row)
        if (gauge is None) is not (length is None):
            given, missing = (
                ("needle_gauge", "needle_length")
                if length is None
                else ("needle_length", "needle_gauge")
            )
            raise InvalidValueError(
                missing, None, f"a {missing} beside the {given}: a needle needs both"
            )
        if gauge is not None:
            fields = {"gauge": _gauge(gauge), "length": length}
            out["needle"] = self._made(fields, lambda: Needle(**fields), "needle")
        capacity, low = self._cell("syringe", row), self._cell("low_dead_space", row)
        if low is not None and not isinstance(low, bool):
            raise InputTypeError("low_dead_space", low, "True or False (or an empty cell)")
        if capacity is not None or low:
            kind = Syringe.low_dead_space if low else Syringe.conventional
            size = "1 mL" if capacity is None else capacity
            fields = {"capacity": size, "low_dead_space": low}
            out["syringe"] = self._made(fields, lambda: kind(size), "syringe")
        return out

    def _made(self, fields: dict[str, Any], make: Callable[[], Any], column: str) -> Any:
        """:func:`_built`, once for each distinct set of cells: rows often name one needle."""
        key = tuple((k, type(v), v) for k, v in fields.items())
        try:
            found = self.made.get(key)
        except TypeError:  # an unhashable cell
            return _built(make, column)
        if found is None:
            found = self.made[key] = _built(make, column)
        return found

    def plan_one(self, row: int) -> None:
        """Plan one row with plan(): its plan, or its error."""
        try:
            p: Any = plan(**self.request(row), catalog=self.catalog)
        except MesocalcError as exc:
            self.fail(row, exc)
            return
        self.put(row, p)

    # Groups through the arrays.

    def plan_group(
        self, rows: NDArray[np.intp], key: tuple[str, str, str], given: Sequence[str]
    ) -> list[int]:
        """Plan ``rows``, whose cells name one technique, zone and lattice, as arrays.

        Returns the rows left to plan() one by one: those with a value outside its
        domain or the catalog's range (plan() refuses it, or warns of an "about" value
        per row), and each row a rule refuses (the pipeline's per-row findings).
        """
        technique, zone, lattice = key
        try:  # as plan() reads them first, for every row alike
            entry = self.book.spec(technique, zone)
            resolve(Lattice, lattice, "lattice")
        except MesocalcError as exc:
            for row in rows:
                self.fail(int(row), exc)
            return []
        odd = np.zeros(len(rows), dtype=bool)
        for name in ("area", *given):
            if name in self.canonical:
                m = self.canonical[name][rows]
                ok = PARAMETERS[name].domain.contains(m)
                odd |= ~(ok if name == "area" else ok & getattr(entry, name).contains(m))
        left = [int(r) for r in rows[odd]]
        rows = rows[~odd]
        for i in range(0, len(rows), MAX_ELEMENTS):
            left += self._plan_rows(rows[i : i + MAX_ELEMENTS], key, given)
        return left

    def _plan_rows(
        self, rows: NDArray[np.intp], key: tuple[str, str, str], given: Sequence[str]
    ) -> list[int]:
        """Plan ``rows`` as arrays but those the pipeline's rules refuse, which it returns.

        The pipeline's per-row findings name every row a rule refuses; plan() then says
        for each why, as it would for that row alone. A request that does not read
        leaves all its rows to plan().
        """
        read = ("area", *given)
        numbers = [self.arrays[c][rows] if c in read else None for c in ("area", *GIVEN_BITS)]
        try:
            current = _pipeline.read(self.book, key, tuple(numbers), _NO_PARTS)
            refused, rest = _findings.findings(current)
            plans = _made.planned(rest)
        except MesocalcError:
            return [int(r) for r in rows]
        bad = np.zeros(len(rows), dtype=bool)
        bad[[i for (i,) in refused]] = True
        if len(refused) < len(rows):
            self.put(rows[~bad], plans)
        return [int(r) for r in rows[bad]]

    # Results.

    def _shown(self, name: str, value: Any) -> Any:
        """A result's magnitudes in its shown unit (a property gives that unit already)."""
        unit = self.units.get(name)
        if unit is None:
            unit = self.units[name] = quantity(1.0, PARAMETERS[name].shown_unit)._units
        if getattr(value, "_units", None) == unit:
            return value.magnitude
        return value.to(PARAMETERS[name].shown_unit).magnitude

    def put(self, rows: int | NDArray[np.intp], p: Plan | PlanArray) -> None:
        """The results of ``p`` (the Plan of one row, or plans over ``rows``) into their rows."""
        texts = self.texts
        texts["technique"][rows] = p.technique.value
        texts["zone"][rows] = p.zone.value
        texts["lattice"][rows] = p.lattice.value
        texts["protocol"][rows] = None if p.protocol is None else str(p.protocol)
        texts["warnings"][rows] = _SEPARATOR.join(p.warnings)
        texts["warning_codes"][rows] = _SEPARATOR.join(r.code.value for r in p.warning_records)
        self.counts["points"][rows] = p.points
        self.counted["points"][rows] = True
        self.numbers["loss_fraction"][rows] = p.loss_fraction
        if isinstance(rows, int):  # one plan: its magnitudes, without a Quantity each
            assert isinstance(p, Plan)
            for name, m in _one(p).items():
                if m is not None:
                    self.numbers[name][rows] = m
        else:
            for name in _QUANTITIES:
                value = getattr(p, name, None)  # plans over arrays have no supply
                if value is not None:
                    self.numbers[name][rows] = self._shown(name, value)
        syringes = getattr(p, "syringes", None)
        if syringes is not None:
            self.counts["syringes"][rows] = syringes
            self.counted["syringes"][rows] = True

    def fail(self, row: int, exc: MesocalcError) -> None:
        """Record a row's error, in its error columns."""
        self.errors[row] = exc
        self.texts["error_type"][row] = type(exc).__name__
        self.texts["error_parameter"][row] = exc.parameter
        self.texts["error"][row] = str(exc)

    def frame(self, index: Any, pd: Any) -> Any:
        """The results as a DataFrame, one column per name of ``_RESULTS``, in its order.

        Text columns are object columns of Python strings (None where a row has none):
        the rows of a group share one string, which a string dtype would copy per row.
        """
        pint_array = _pint_array()
        columns: dict[str, Any] = {}
        for name in _RESULTS:
            values: Any
            if name in self.texts:
                columns[name] = pd.Series(self.texts[name], index=index, dtype=object, copy=False)
                continue
            if name in self.counts:
                values = pd.arrays.IntegerArray(self.counts[name], ~self.counted[name])
            elif name == "loss_fraction":
                values = self.numbers[name]
            elif pint_array is None:  # floats, the unit in the column's name: area_cm2
                columns[suffixed(name)] = pd.Series(self.numbers[name], index=index, copy=False)
                continue
            else:  # wrapped as it is: pd.Series(m, dtype="pint[mm]") reads m element by element
                unit = PARAMETERS[name].shown_unit
                values = pint_array(self.numbers[name], dtype=f"pint[{unit}]")
            columns[name] = pd.Series(values, index=index, copy=False)
        return _plans_class()(columns, index=index, copy=False)


def __getattr__(name: str) -> Any:
    """``DataFrame``, made with pandas on first use (so that a pickled result reads back)."""
    if name == "DataFrame":
        return _plans_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def plan_frame(
    requests: Any, *, errors: Literal["raise", "collect"] = "raise", catalog: Catalog | None = None
) -> Any:
    """Plan every row of a DataFrame of requests; the result has one row per request.

    ``requests`` has the columns ``technique``, ``zone`` and ``area``, and may have
    ``spacing``, ``volume_per_point``, ``depth``, ``angle``, ``loss_fraction`` and
    ``lattice``: unit strings ("40 cm^2"), pint-pandas columns (dtype
    ``pint[cm^2]``) or, for the loss fraction, numbers. It may also have
    ``override`` (the reason) and ``override_by``, ``needle_gauge`` and
    ``needle_length``, and ``syringe`` (a capacity, "1 mL") and ``low_dead_space``
    (True or False), which become :func:`plan`'s Override, Needle and Syringe. An
    empty cell (None, NaN) is an unset argument; in ``technique``, ``zone`` or
    ``area`` it is the row's error. Any other column is refused, by name: select the
    columns to plan.

    The result keeps the index of ``requests`` and has the same columns whatever the
    rows (docs/frames.md lists them): the names, ``points``, every input and result
    of a plan as pint-pandas columns (``insertion_length``, ``dose_per_area`` and
    ``draw_up_volume`` included), ``syringes``, ``protocol``, ``warnings`` and
    ``warning_codes`` (each joined by "; "), and ``error_type``,
    ``error_parameter`` and ``error``. Requires ``pip install ".[pandas]"``.

    Args:
        requests: a pandas DataFrame of plan requests, one per row.
        errors: "raise" raises the error of the first bad row; "collect" plans the
            good rows and writes each bad row's error in its error columns, its
            results left empty.
        catalog: a clinic's catalog (see :func:`load_catalog`), as for :func:`plan`.

    Raises:
        MesocalcError: with ``errors="raise"``, the error :func:`plan` gives the first
            bad row, its ``detail`` naming the row's label and ``index`` its position.
        UnknownNameError: an unknown column, in either mode.
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
        >>> str(volumes.pint.units), volumes.pint.magnitude.round(6).tolist()
        ('microliter', [40.0, 400.0, 112.0])
    """
    pd = _engine.imported("pandas")  # an optional extra, imported on use

    _pint_array()  # registers the pint[...] dtype with pandas, when pint-pandas is there
    if not isinstance(requests, pd.DataFrame):
        lazy = hasattr(requests, "map_partitions")
        raise InputTypeError(
            "requests",
            requests,
            "a pandas DataFrame of plan requests",
            "plan a dask DataFrame with mesocalc.plan_partitions(requests), its "
            "map_partitions with the meta made"
            if lazy
            else "",
        )
    if errors not in {"raise", "collect"}:
        raise InvalidValueError("errors", errors, "'raise' or 'collect'")
    if catalog is not None and not isinstance(catalog, Catalog):
        raise InputTypeError("catalog", catalog, "None or a mesocalc.Catalog (load_catalog)")
    _check_columns(requests.columns)
    table = _Table(requests.reset_index(drop=True), catalog, pd)
    for row in sorted(_plan_groups(table, pd)):
        table.plan_one(row)
    if errors == "raise" and table.errors:
        row = min(table.errors)
        exc = table.errors[row]
        where = f"row {_item(requests.index[row])!r}"
        detail = f"{where}: {exc.detail}" if exc.detail else where
        error = type(exc)(**{**exc._fields(), "detail": detail})
        error.index = (row,)
        raise error
    return table.frame(requests.index, pd)


def plan_partitions(
    requests: Any, *, errors: Literal["raise", "collect"] = "raise", catalog: Catalog | None = None
) -> Any:
    """:func:`plan_frame` over a dask DataFrame, partition by partition, lazily.

    The ``meta`` dask needs (the empty result) is made here, so that a table larger than
    memory is planned as a pandas one is: ``plan_partitions(dd.read_csv(...))``.

    Raises:
        InputTypeError: ``requests`` is not a dask DataFrame.
    """
    if not hasattr(requests, "map_partitions") or not hasattr(requests, "_meta"):
        raise InputTypeError(
            "requests",
            requests,
            "a dask DataFrame of plan requests (a pandas one: mesocalc.plan_frame)",
        )
    from dask.dataframe import utils  # noqa: PLC0415 - an optional extra

    make_meta: Callable[[Any], Any] = utils.make_meta  # type: ignore[attr-defined] # not re-exported
    meta = plan_frame(make_meta(requests), catalog=catalog)
    return requests.map_partitions(plan_frame, errors=errors, catalog=catalog, meta=meta)


def _plan_groups(table: _Table, pd: Any) -> list[int]:
    """Plan the rows the arrays can plan; returns those left to plan() one by one."""
    empty = np.zeros(table.n, dtype=bool)
    for name in _REQUIRED:
        for row in np.flatnonzero(table.missing[name] & ~empty):
            table.fail(int(row), InputTypeError(name, None, _EMPTY[name], "an empty cell"))
        empty |= table.missing[name]
    alone = table.one_by_one() & ~empty
    rows = np.flatnonzero(~empty & ~alone)
    left = [int(r) for r in np.flatnonzero(alone)]
    if not len(rows):
        return left
    optional = [c for c in RANGED if c in table.given]
    lattice = table.cells["lattice"] if "lattice" in table.given else np.empty(table.n, object)
    lattice = np.where(table.unset("lattice"), "square", lattice)
    keys = pd.DataFrame(
        {
            "technique": table.cells["technique"][rows],
            "zone": table.cells["zone"][rows],
            "lattice": lattice[rows],
            **{f"unset {c}": table.missing[c][rows] for c in optional},
        },
        dtype=object,
    )
    groups = keys.groupby(list(keys.columns), sort=False, dropna=False).indices
    for key, where in groups.items():
        technique, zone, grid, *unset = key
        given = [c for c, skip in zip(optional, unset, strict=True) if not skip]
        left += table.plan_group(rows[where], (technique, zone, grid), given)
    return left
