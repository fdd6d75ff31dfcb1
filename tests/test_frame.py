"""plan_frame(): DataFrames of requests, with unit strings or pint-pandas columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pint_pandas  # noqa: F401 - registers the pint[...] dtype
import pytest

import mesocalc

ROWS: list[dict[str, str | None]] = [
    {"technique": "classic", "zone": "face", "area": "40 cm^2", "spacing": "7 mm"},
    {"technique": "nappage", "zone": "scalp", "area": "24 cm^2", "spacing": None},
    {"technique": "classic", "zone": "face", "area": "4 cm^2", "spacing": "5 mm"},
    {"technique": "classic", "zone": "eyelid", "area": "2 cm^2", "spacing": None},
]


def _scalar(row: dict[str, str | None]) -> mesocalc.Plan:
    return mesocalc.plan(**{k: v for k, v in row.items() if v is not None})  # type: ignore[call-overload, no-any-return]


def test_rows_match_scalar_plans() -> None:
    frame = pd.DataFrame(ROWS, index=["a", "b", "c", "d"])
    plans = mesocalc.plan_frame(frame)
    assert list(plans.index) == ["a", "b", "c", "d"]
    for label, row in zip(plans.index, ROWS, strict=True):
        p = _scalar(row)
        assert plans.loc[label, "points"] == p.points
        assert plans.loc[label, "technique"] == p.technique.value
        assert plans["total_volume"].pint.to("mL").pint.magnitude[label] == pytest.approx(
            p.total_volume.to("mL").magnitude, rel=1e-12
        )
        assert plans.loc[label, "loss_fraction"] == p.loss_fraction


def test_pint_pandas_columns() -> None:
    frame = pd.DataFrame(
        {
            "technique": ["classic", "classic"],
            "zone": ["face", "face"],
            "area": pd.Series([40.0, 4.0], dtype="pint[cm**2]"),
            "depth": pd.Series([1.0, 2.0], dtype="pint[mm]"),
        }
    )
    plans = mesocalc.plan_frame(frame)
    assert plans["points"].tolist() == [
        mesocalc.plan(technique="classic", zone="face", area="40 cm^2", depth="1 mm").points,
        mesocalc.plan(technique="classic", zone="face", area="4 cm^2", depth="2 mm").points,
    ]
    assert str(plans["depth"].pint.units) == "millimeter"
    assert np.allclose(plans["area"].pint.magnitude, [40.0, 4.0])


def test_round_trip_through_requests() -> None:
    """A plan frame's own columns, fed back as requests, plan the same."""
    plans = mesocalc.plan_frame(pd.DataFrame(ROWS))
    again = mesocalc.plan_frame(
        plans[["technique", "zone", "area", "spacing", "volume_per_point", "depth", "angle"]]
    )
    assert again["points"].tolist() == plans["points"].tolist()


def test_bad_row_is_named_by_label() -> None:
    rows = [dict(r) for r in ROWS]  # copies
    rows[2]["spacing"] = "50 mm"
    with pytest.raises(mesocalc.SoftLimitError) as caught:
        mesocalc.plan_frame(pd.DataFrame(rows, index=["a", "b", "c", "d"]))
    assert caught.value.parameter == "spacing"
    assert caught.value.index == (2,)
    assert "row 'c'" in str(caught.value)


def test_not_a_frame() -> None:
    with pytest.raises(mesocalc.InputTypeError):
        mesocalc.plan_frame([{"technique": "classic"}])
    with pytest.raises(mesocalc.InputTypeError):
        mesocalc.plan_frame(pd.DataFrame({"technique": ["classic"]}))
