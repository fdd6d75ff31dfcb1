"""plan_frame's result: its columns, one schema whatever the rows, and how it shows units.

A DataFrame whose headers say their units, or, without pint-pandas, column names that do.
"""

from __future__ import annotations

from typing import Any, Final

from mesocalc._engine import engine as _engine
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc._records.tables import KINDS

# One schema whatever the rows and the mode, so that partitions (dask) concatenate.
_RESULTS: Final = (
    "technique",
    "zone",
    "lattice",
    "points",
    "area",
    "spacing",
    "volume_per_point",
    "depth",
    "angle",
    "loss_fraction",
    "thread_length",
    "total_volume",
    "expected_loss",
    "delivered_volume",
    "insertion_length",
    "dose_per_area",
    "syringes",
    "draw_up_volume",
    "protocol",
    "warnings",
    "warning_codes",
    "error_type",
    "error_parameter",
    "error",
)
# Result columns with a unit, each a pint-pandas column in the parameter's shown unit, and
# whole-number columns: each column's kind is the plan's field's (_tables.FIELDS).
_QUANTITIES: Final = tuple(n for n in _RESULTS if KINDS.get(n) == "quantity")
_COUNTS: Final = tuple(n for n in _RESULTS if KINDS.get(n) == "count")
# Text columns: the rest but the loss fraction, a plain float.
_TEXTS: Final = tuple(
    n for n in _RESULTS if n not in (*_QUANTITIES, *_COUNTS) and n != "loss_fraction"
)


def suffixed(name: str) -> str:
    """A result column's name with its unit, as it is without pint-pandas: ``area_cm2``."""
    shown = PARAMETERS[name].shown
    return f"{name}_{shown.lower().replace('²', '2').replace('/', '_')}"


def _pint_array() -> Any:
    """pint-pandas's PintArray, or None without pint-pandas (floats in suffixed columns)."""
    try:
        return _engine.imported("pint_pandas").PintArray
    except ImportError:
        return None


@_engine.cached()
def _plans_class() -> Any:
    """The DataFrame class of plan_frame's results, made on first use (pandas is imported then)."""
    pd = _engine.imported("pandas")

    class DataFrame(pd.DataFrame):  # type: ignore[misc,name-defined] # pandas is untyped here (optional)
        """plan_frame's result: a pandas DataFrame whose display names each column's unit.

        The columns keep their pint dtypes; a notebook, the docs or ``print`` show
        ``total_volume (mL)`` over the magnitudes. Selections keep the display.
        """

        @property
        def _constructor(self) -> type[DataFrame]:
            return DataFrame

        def _shown(self) -> Any:
            """The frame as displayed: each pint column's header says its unit."""
            plain = pd.DataFrame(self, copy=False)
            units = {
                c: _header(c, plain[c].dtype)
                for c in plain.columns
                if str(plain[c].dtype).startswith("pint[")
            }
            return plain.rename(columns=units)

        def __repr__(self) -> str:
            return repr(self._shown())

        def _repr_html_(self) -> Any:
            return self._shown()._repr_html_()

        def to_string(self, *args: Any, **kwargs: Any) -> Any:
            """As DataFrame.to_string, each header saying its unit."""
            return self._shown().to_string(*args, **kwargs)

    DataFrame.__module__ = (
        "mesocalc._exchange.frame"  # pickled by name: _frame's __getattr__ makes it
    )
    DataFrame.__qualname__ = "DataFrame"
    return DataFrame


def _header(name: Any, dtype: Any) -> str:
    """A pint column's header with its unit: ``total_volume (mL)``."""
    parameter = PARAMETERS.get(str(name))
    unit = parameter.shown if parameter is not None else f"{dtype.units:~P}"
    return f"{name} ({unit})"
