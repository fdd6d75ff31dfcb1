"""plan_frame's results say their units: in each header as displayed (pint-pandas), or in
each column's name (without it); plan_partitions plans a dask DataFrame without a meta."""

from __future__ import annotations

import pickle
import sys
from typing import Any

import pandas as pd
import pytest

import mesocalc
from mesocalc._exchange.frame_results import suffixed
from mesocalc._quantities.parameters import PARAMETERS

_REQUESTS = pd.DataFrame(
    {
        "technique": ["classic", "nappage", "classic"],
        "zone": ["face", "scalp", "nowhere"],
        "area": ["40 cm^2", "24 cm^2", "4 cm^2"],
    },
    index=["ana", "ben", "cleo"],
)


def _pint_columns(frame: Any) -> list[str]:
    return [c for c in frame.columns if str(frame[c].dtype).startswith("pint[")]


def test_every_displayed_header_says_its_unit_and_the_columns_keep_their_dtypes() -> None:
    plans = mesocalc.plan_frame(_REQUESTS, errors="collect")
    quantities = _pint_columns(plans)
    assert len(quantities) == 12
    assert "total_volume" in plans.columns  # the names are the names
    assert str(plans["total_volume"].dtype).startswith("pint[milliliter]")
    for shown in (plans.to_string(), plans._repr_html_()):  # a repr may leave columns out
        for name in quantities:
            assert f"{name} ({PARAMETERS[name].shown})" in shown
    assert "dose_per_area (mL/cm²)" in repr(plans[["dose_per_area"]])
    chosen = plans[["points", "total_volume"]]
    assert repr(chosen).splitlines()[0].split() == ["points", "total_volume", "(mL)"]
    assert "area (cm²)" in repr(plans.loc[["ana"], ["technique", "area"]])
    assert "(mL)" not in repr(plans[["points", "loss_fraction", "error"]])


def test_a_result_pickles_and_reads_back_as_it_was() -> None:
    plans = mesocalc.plan_frame(_REQUESTS, errors="collect")
    again = pickle.loads(pickle.dumps(plans))
    assert type(again) is type(plans)
    pd.testing.assert_frame_equal(again, plans)
    assert repr(again) == repr(plans)


def test_without_pint_pandas_each_column_name_says_its_unit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with_pint = mesocalc.plan_frame(_REQUESTS, errors="collect")
    monkeypatch.setitem(sys.modules, "pint_pandas", None)  # as if it were not installed
    plans = mesocalc.plan_frame(_REQUESTS, errors="collect")
    assert not _pint_columns(plans)
    for name in _pint_columns(with_pint):
        column = suffixed(name)
        assert column not in with_pint.columns
        assert str(plans[column].dtype) == "float64"
        expected = with_pint[name].pint.magnitude.to_numpy(dtype=float, na_value=float("nan"))
        assert plans[column].to_numpy() == pytest.approx(expected, nan_ok=True)
    assert {"area_cm2", "total_volume_ml", "depth_mm", "angle_deg", "dose_per_area_ml_cm2"} <= set(
        plans.columns
    )


def test_plan_partitions_is_plan_frame_without_a_meta() -> None:
    import dask.dataframe as dd  # noqa: PLC0415 - a test dependency of this test alone

    lazy = dd.from_pandas(_REQUESTS, npartitions=2)  # type: ignore[no-untyped-call]
    planned = mesocalc.plan_partitions(lazy, errors="collect").compute()
    expected = mesocalc.plan_frame(_REQUESTS, errors="collect")
    pd.testing.assert_frame_equal(planned, expected, check_index_type=False)
    assert "total_volume (mL)" in repr(planned[["total_volume"]])
    with pytest.raises(mesocalc.MesocalcError) as caught:
        mesocalc.plan_partitions(lazy).compute()
    assert caught.value.parameter == "zone"


@pytest.mark.parametrize("value", [None, 3, "table.csv", _REQUESTS, [{"technique": "classic"}]])
def test_plan_partitions_refuses_anything_but_a_dask_frame(value: Any) -> None:
    with pytest.raises(mesocalc.InputTypeError) as caught:
        mesocalc.plan_partitions(value)
    assert caught.value.parameter == "requests"


def test_a_pint_column_of_ones_own_says_its_unit_too() -> None:
    plans = mesocalc.plan_frame(_REQUESTS, errors="collect")
    mine = plans[["area"]].assign(doubled=plans["area"] * 2)
    assert repr(mine).splitlines()[0].split() == ["area", "(cm²)", "doubled", "(cm²)"]


def test_the_module_makes_only_its_dataframe_class_on_demand() -> None:
    from mesocalc._exchange import frame as _frame  # noqa: PLC0415

    assert _frame.DataFrame is type(mesocalc.plan_frame(_REQUESTS, errors="collect"))
    with pytest.raises(AttributeError):
        _frame.PlanFrame  # noqa: B018 - the lookup is the test
