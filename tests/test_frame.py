"""plan_frame(): DataFrames of requests, with unit strings or pint-pandas columns."""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
import pandas as pd
import pint_pandas  # noqa: F401 - registers the pint[...] dtype
import pytest
from hypothesis import given

import mesocalc
from mesocalc._exchange import frame as _frame
from tests.strategies import frame_rows

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


# --- bad rows, equipment columns and every result column (issue 12, part 4) -----------------

RESULT_COLUMNS = [
    "technique", "zone", "lattice", "points", "area", "spacing", "volume_per_point", "depth",
    "angle", "loss_fraction", "thread_length", "total_volume", "expected_loss",
    "delivered_volume", "insertion_length", "dose_per_area", "syringes", "draw_up_volume",
    "protocol", "warnings", "warning_codes", "error_type", "error_parameter", "error",
]  # fmt: skip
QUANTITIES = [
    "area", "spacing", "volume_per_point", "depth", "angle", "thread_length", "total_volume",
    "expected_loss", "delivered_volume", "insertion_length", "dose_per_area", "draw_up_volume",
]  # fmt: skip
NUMBERS = ("technique", "zone", "area", "spacing", "volume_per_point", "depth", "angle",
           "loss_fraction", "lattice")  # fmt: skip


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _reference(row: dict[str, Any]) -> mesocalc.Plan | mesocalc.MesocalcError:
    """What plan() gives one row of a table: its plan, or the error it raises."""
    for name in ("technique", "zone", "area"):
        if _empty(row[name]):
            return mesocalc.InputTypeError(name, None, "a value", "an empty cell")
    kwargs = {k: v for k, v in row.items() if k in NUMBERS and not _empty(v)}
    if not _empty(row.get("override")):
        kwargs["override"] = mesocalc.Override(reason=row["override"], by=row.get("override_by"))
    if not _empty(row.get("needle_gauge")):
        kwargs["needle"] = mesocalc.Needle(gauge=row["needle_gauge"], length=row["needle_length"])
    low = row.get("low_dead_space")
    if not _empty(row.get("syringe")) or low:
        kind = mesocalc.Syringe.low_dead_space if low else mesocalc.Syringe.conventional
        kwargs["syringe"] = kind(row.get("syringe") or "1 mL")
    try:
        planned: mesocalc.Plan = mesocalc.plan(**kwargs)
    except mesocalc.MesocalcError as exc:
        return exc
    return planned


def _assert_row(plans: pd.DataFrame, label: Any, expected: Any) -> None:
    """Row ``label`` of a plan frame holds ``expected``, a Plan or the error of its request."""
    got = plans.loc[label]
    if isinstance(expected, mesocalc.MesocalcError):
        assert got["error_type"] == type(expected).__name__
        assert got["error_parameter"] == expected.parameter
        if expected.detail == "an empty cell":
            assert got["error"].endswith("(an empty cell)")
        else:
            assert got["error"] == str(expected)
        assert pd.isna(got["points"])
        assert all(pd.isna(plans[name].pint.magnitude[label]) for name in QUANTITIES)
        assert got["technique"] is None
        return
    assert got["error"] is None
    assert got["error_type"] is None
    assert got["error_parameter"] is None
    assert got["points"] == expected.points
    assert (got["technique"], got["zone"], got["lattice"]) == (
        expected.technique.value,
        expected.zone.value,
        expected.lattice.value,
    )
    assert got["loss_fraction"] == expected.loss_fraction
    assert got["warnings"] == "; ".join(expected.warnings)
    assert got["warning_codes"] == "; ".join(r.code.value for r in expected.warning_records)
    assert got["protocol"] == str(expected.protocol)
    assert (pd.NA if expected.syringes is None else expected.syringes) is got["syringes"] or (
        got["syringes"] == expected.syringes
    )
    for name in QUANTITIES:
        column = plans[name]
        value = getattr(expected, name)
        shown = column.pint.magnitude[label]
        if value is None:
            assert pd.isna(shown), name
        else:
            assert shown == pytest.approx(value.to(column.pint.units).magnitude, rel=1e-12), name


BAD_ROWS: list[dict[str, Any]] = [
    {"technique": "classic", "zone": "face", "area": "40 cm^2", "depth": None},
    {"technique": "classic", "zone": "face", "area": "40 cm", "depth": None},  # a length
    {"technique": "classic", "zone": "nowhere", "area": "4 cm^2", "depth": None},
    {"technique": "classic", "zone": "face", "area": "4 cm^2", "depth": "9 mm"},  # past the skin
    {"technique": np.nan, "zone": "face", "area": "4 cm^2", "depth": None},
    {"technique": "nappage", "zone": "scalp", "area": None, "depth": None},
    {"technique": "nappage", "zone": "scalp", "area": "24 cm^2", "depth": None},
]
LABELS = ["good", "unit", "zone", "depth", "technique", "area", "also good"]


def test_collect_plans_the_good_rows_and_reports_each_bad_one() -> None:
    requests = pd.DataFrame(BAD_ROWS, index=LABELS)
    plans = mesocalc.plan_frame(requests, errors="collect")
    assert list(plans.index) == LABELS
    assert list(plans.columns) == RESULT_COLUMNS
    for label, row in zip(LABELS, BAD_ROWS, strict=True):
        _assert_row(plans, label, _reference(row))
    errors = plans.loc[plans["error"].notna(), ["error_type", "error_parameter"]]
    assert errors.to_dict("index") == {
        "unit": {"error_type": "UnitError", "error_parameter": "area"},
        "zone": {"error_type": "UnknownNameError", "error_parameter": "zone"},
        "depth": {"error_type": "HardLimitError", "error_parameter": "depth"},
        "technique": {"error_type": "InputTypeError", "error_parameter": "technique"},
        "area": {"error_type": "InputTypeError", "error_parameter": "area"},
    }
    assert plans.loc["technique", "error"] == (
        "technique: got None; expected a technique in every row, such as 'classic' (an empty cell)"
    )


@pytest.mark.parametrize(
    ("label", "kind", "column"),
    [
        ("unit", mesocalc.UnitError, "area"),
        ("zone", mesocalc.UnknownNameError, "zone"),
        ("depth", mesocalc.HardLimitError, "depth"),
        ("technique", mesocalc.InputTypeError, "technique"),
        ("area", mesocalc.InputTypeError, "area"),
    ],
)
def test_raise_names_the_row_and_the_column(
    label: str, kind: type[mesocalc.MesocalcError], column: str
) -> None:
    position = LABELS.index(label)
    rows = [BAD_ROWS[0], BAD_ROWS[position], BAD_ROWS[-1]]
    requests = pd.DataFrame(rows, index=["good", label, "also good"])
    with pytest.raises(kind) as caught:
        mesocalc.plan_frame(requests)
    assert caught.value.parameter == column
    assert caught.value.index == (1,)
    assert f"row {label!r}" in str(caught.value)
    expected = _reference(BAD_ROWS[position])
    assert isinstance(expected, mesocalc.MesocalcError)
    if expected.detail != "an empty cell":
        assert caught.value.value == expected.value
        assert caught.value.expected == expected.expected


def test_raise_gives_the_first_bad_row() -> None:
    requests = pd.DataFrame(BAD_ROWS, index=LABELS)
    with pytest.raises(mesocalc.UnitError) as caught:
        mesocalc.plan_frame(requests, errors="raise")
    assert caught.value.index == (1,)


@pytest.mark.parametrize("empty", [None, np.nan, pd.NA])
def test_rows_without_a_technique_are_errors_not_dropped(empty: Any) -> None:
    """Issue 13: NaN techniques raised pandas' ValueError, or every row vanished."""
    requests = pd.DataFrame(
        {"technique": [empty, empty], "zone": ["face", "face"], "area": ["4 cm^2", "5 cm^2"]},
        index=[10, 20],
    )
    plans = mesocalc.plan_frame(requests, errors="collect")
    assert list(plans.index) == [10, 20]
    assert plans["error_parameter"].tolist() == ["technique", "technique"]
    assert plans["points"].isna().all()
    with pytest.raises(mesocalc.InputTypeError) as caught:
        mesocalc.plan_frame(requests)
    assert (caught.value.parameter, caught.value.index) == ("technique", (0,))
    assert "row 10" in str(caught.value)


def test_an_empty_zone_or_area_is_the_row_error() -> None:
    requests = pd.DataFrame(
        {
            "technique": ["classic"] * 3,
            "zone": [None, "face", "face"],
            "area": ["4 cm^2", np.nan, "4 cm^2"],
        }
    )
    plans = mesocalc.plan_frame(requests, errors="collect")
    assert plans["error_parameter"].tolist() == ["zone", "area", None]
    assert plans["points"].tolist() == [pd.NA, pd.NA, 4]


def test_nullable_and_arrow_columns() -> None:
    """Columns as pandas reads a CSV or an Arrow file: pd.NA for empty cells."""
    requests = pd.DataFrame(
        {
            "technique": pd.array(["classic", "nappage", None], dtype="string[pyarrow]"),
            "zone": pd.array(["face", "scalp", "face"], dtype="string[pyarrow]"),
            "area": pd.array(["4 cm^2", "40 cm^2", "4 cm^2"], dtype="string[pyarrow]"),
            "loss_fraction": pd.array([0.1, None, 0.2], dtype="Float64"),
            "depth": pd.Series([1.0, np.nan, 1.5], dtype="pint[mm]"),
        }
    )
    plans = mesocalc.plan_frame(requests, errors="collect")
    first = {"technique": "classic", "zone": "face", "area": "4 cm^2"}
    _assert_row(plans, 0, _reference({**first, "loss_fraction": 0.1, "depth": "1 mm"}))
    _assert_row(plans, 1, _reference({"technique": "nappage", "zone": "scalp", "area": "40 cm^2"}))
    assert plans.loc[2, "error_parameter"] == "technique"


def test_a_failing_group_is_planned_around_its_bad_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows beyond a session cap fail inside a group: the rest stays vectorised."""
    calls: list[bool] = []

    def counted(**kwargs: Any) -> Any:
        calls.append(isinstance(kwargs["area"], str))
        return mesocalc.plan(**kwargs)

    monkeypatch.setattr(_frame, "plan", counted)
    areas = [f"{10 + i % 40} cm^2" for i in range(400)]
    for i in (3, 150, 151, 399):
        areas[i] = "60 cm^2"  # more than 50 injections: the analogue cap (KYB)
    requests = pd.DataFrame({"technique": "infiltration", "zone": "submental", "area": areas})
    plans = mesocalc.plan_frame(requests, errors="collect")
    assert plans.index[plans["error"].notna()].tolist() == [3, 150, 151, 399]
    assert set(plans["error_type"].dropna()) == {"SoftLimitError"}
    assert plans["points"].notna().sum() == 396
    assert calls.count(True) == 4  # plan() of one area: only for each bad row
    assert calls.count(False) <= 3 * 4 + 1  # the arrays: a few calls, not one per row
    for i in (0, 3, 150, 151, 398, 399):
        _assert_row(plans, i, _reference(requests.iloc[i].to_dict()))


def test_about_values_warn_per_row() -> None:
    """A departure from an "about" value warns for its own row (plans over arrays do not)."""
    rows = [
        {"technique": "papular", "zone": "face", "area": "40 cm^2", "spacing": spacing}
        for spacing in ["10 mm", "12 mm", "10 mm"]
    ]
    plans = mesocalc.plan_frame(pd.DataFrame(rows))
    codes = plans["warning_codes"].str.contains("about-value-departed").tolist()
    assert codes == [False, True, False]
    for i, row in enumerate(rows):
        _assert_row(plans, i, _reference(row))


def test_override_needle_and_syringe_columns() -> None:
    rows: list[dict[str, Any]] = [
        {"area": "40 cm^2", "spacing": "15 mm", "override": "wide lattice by protocol",
         "override_by": "Dr A", "needle_gauge": 30, "needle_length": "4 mm",
         "syringe": "5 mL", "low_dead_space": False},
        {"area": "40 cm^2", "spacing": "15 mm", "override": None, "override_by": None,
         "needle_gauge": None, "needle_length": None, "syringe": None, "low_dead_space": True},
        {"area": "40 cm^2", "spacing": None, "override": None, "override_by": None,
         "needle_gauge": "32G", "needle_length": "1 mm", "syringe": "1 mL",
         "low_dead_space": None},
        {"area": "40 cm^2", "spacing": None, "override": None, "override_by": None,
         "needle_gauge": None, "needle_length": None, "syringe": None, "low_dead_space": None},
    ]  # fmt: skip
    for row in rows:
        row.update(technique="classic", zone="face")
    plans = mesocalc.plan_frame(pd.DataFrame(rows), errors="collect")
    _assert_row(plans, 0, _reference(rows[0]))
    assert "overridden by Dr A: wide lattice by protocol" in plans.loc[0, "warnings"]
    assert plans.loc[0, "syringes"] == 1
    assert plans["draw_up_volume"].pint.magnitude[0] == pytest.approx(
        _plan(rows[0]).draw_up_volume.to("mL").magnitude  # type: ignore[union-attr]
    )
    assert plans.loc[1, "error_type"] == "SoftLimitError"  # no override: refused
    assert plans.loc[1, "error"] == str(_reference(rows[1]))
    assert plans.loc[2, "error_parameter"] == "needle"  # 1 mm is too short
    assert plans.loc[2, "error"] == str(_reference(rows[2]))
    _assert_row(plans, 3, _reference(rows[3]))
    assert pd.isna(plans.loc[3, "syringes"])


def _plan(row: dict[str, Any]) -> mesocalc.Plan:
    p = _reference(row)
    assert isinstance(p, mesocalc.Plan)
    return p


@pytest.mark.parametrize(
    ("cells", "column", "kind"),
    [
        ({"override": "  "}, "override", mesocalc.InvalidValueError),
        ({"override_by": "Dr A"}, "override_by", mesocalc.InvalidValueError),
        ({"override": "why", "override_by": " "}, "override_by", mesocalc.InvalidValueError),
        ({"needle_gauge": 30}, "needle_length", mesocalc.InvalidValueError),
        ({"needle_length": "4 mm"}, "needle_gauge", mesocalc.InvalidValueError),
        (
            {"needle_gauge": 99, "needle_length": "4 mm"},
            "needle_gauge",
            mesocalc.InvalidValueError,
        ),
        ({"needle_gauge": "30G", "needle_length": "4"}, "needle_length", mesocalc.UnitError),
        ({"syringe": "2 mL"}, "syringe", mesocalc.InvalidValueError),
        ({"syringe": "5 mL", "low_dead_space": True}, "syringe", mesocalc.InvalidValueError),
        ({"syringe": "one mL"}, "syringe", mesocalc.ParseError),
        ({"low_dead_space": "yes"}, "low_dead_space", mesocalc.InputTypeError),
    ],
)
def test_bad_equipment_cells_name_their_column(
    cells: dict[str, Any], column: str, kind: type[mesocalc.MesocalcError]
) -> None:
    row = {"technique": "classic", "zone": "face", "area": "4 cm^2", **cells}
    good = {"technique": "classic", "zone": "face", "area": "5 cm^2"}
    plans = mesocalc.plan_frame(pd.DataFrame([row, good], index=["x", "y"]), errors="collect")
    assert plans.loc["x", "error_parameter"] == column
    assert plans.loc["x", "error_type"] == kind.__name__
    assert plans.loc["y", "points"] == 5
    with pytest.raises(kind) as caught:
        mesocalc.plan_frame(pd.DataFrame([row, good], index=["x", "y"]))
    assert caught.value.parameter == column
    assert "row 'x'" in str(caught.value)


def test_gauges_from_a_column_with_empty_cells() -> None:
    """A CSV column of gauges with an empty cell is read as floats: 30.0 is gauge 30."""
    requests = pd.DataFrame(
        {
            "technique": "classic",
            "zone": "face",
            "area": ["4 cm^2", "5 cm^2"],
            "needle_gauge": [30, None],
            "needle_length": ["4 mm", None],
        }
    )
    assert requests["needle_gauge"].dtype == np.float64
    plans = mesocalc.plan_frame(requests)
    assert plans["points"].tolist() == [4, 5]


def test_an_unknown_column_is_named_with_a_suggestion() -> None:
    requests = pd.DataFrame(
        {"technique": ["classic"], "zone": ["face"], "area": ["4 cm^2"], "depht": ["1 mm"]}
    )
    modes: tuple[Literal["raise", "collect"], ...] = ("raise", "collect")
    for errors in modes:
        with pytest.raises(mesocalc.UnknownNameError) as caught:
            mesocalc.plan_frame(requests, errors=errors)
        assert (caught.value.parameter, caught.value.value) == ("requests", "depht")
        assert caught.value.suggestions == ("depth",)
        assert "did you mean 'depth'?" in str(caught.value)
    with pytest.raises(mesocalc.UnknownNameError, match="also unknown: 'patient'"):
        mesocalc.plan_frame(requests.assign(patient=["p1"]))


def test_a_missing_or_doubled_column_is_named() -> None:
    with pytest.raises(mesocalc.InputTypeError, match="no column 'area'"):
        mesocalc.plan_frame(pd.DataFrame({"technique": ["classic"], "zone": ["face"]}))
    with pytest.raises(mesocalc.InputTypeError, match="no column 'technique'"):
        mesocalc.plan_frame(pd.DataFrame({"zone": ["face"], "area": ["4 cm^2"]}))
    doubled = pd.DataFrame([["classic", "face", "4 cm^2", "1 mm", "2 mm"]])
    doubled.columns = ["technique", "zone", "area", "depth", "depth"]
    with pytest.raises(mesocalc.InvalidValueError, match="duplicated column"):
        mesocalc.plan_frame(doubled)


def test_bad_arguments() -> None:
    frame = pd.DataFrame(ROWS)
    with pytest.raises(mesocalc.InvalidValueError, match="'raise' or 'collect'"):
        mesocalc.plan_frame(frame, errors="ignore")  # type: ignore[arg-type]
    with pytest.raises(mesocalc.InputTypeError, match="catalog"):
        mesocalc.plan_frame(frame, catalog="clinic.toml")  # type: ignore[arg-type]


def test_every_result_column_of_a_plan() -> None:
    rows: list[dict[str, Any]] = [
        {
            "technique": "retrograde",
            "zone": "face",
            "area": "40 cm^2",
            "syringe": "1 mL",
            "volume_per_point": "0.1 mL",
        },
        {
            "technique": "retrograde",
            "zone": "face",
            "area": "20 cm^2",
            "syringe": None,
            "volume_per_point": "0.1 mL",
        },
        {
            "technique": "classic",
            "zone": "face",
            "area": "40 cm^2",
            "syringe": None,
            "volume_per_point": None,
        },
        {
            "technique": "classic",
            "zone": "face",
            "area": "4 cm^2",
            "syringe": None,
            "volume_per_point": None,
        },
    ]
    plans = mesocalc.plan_frame(pd.DataFrame(rows))
    assert list(plans.columns) == RESULT_COLUMNS
    units = {name: str(plans[name].pint.units) for name in QUANTITIES}
    assert units == {
        "area": "centimeter ** 2",
        "spacing": "millimeter",
        "volume_per_point": "milliliter",
        "depth": "millimeter",
        "angle": "degree",
        "thread_length": "millimeter",
        "total_volume": "milliliter",
        "expected_loss": "milliliter",
        "delivered_volume": "milliliter",
        "insertion_length": "millimeter",
        "dose_per_area": "milliliter / centimeter ** 2",
        "draw_up_volume": "milliliter",
    }
    assert str(plans["points"].dtype) == str(plans["syringes"].dtype) == "Int64"
    for i, row in enumerate(rows):
        _assert_row(plans, i, _reference(row))
    assert plans.loc[0, "protocol"].startswith("mesocalc default catalog")
    assert plans.loc[0, "syringes"] == _plan(rows[0]).syringes == 5
    assert plans["thread_length"].pint.magnitude.notna().tolist() == [True, True, False, False]


def test_an_empty_frame_has_the_columns_and_dtypes_of_a_full_one() -> None:
    """plan_frame(df.head(0)) is the meta a dask DataFrame's map_partitions needs."""
    full = mesocalc.plan_frame(pd.DataFrame(ROWS))
    empty = mesocalc.plan_frame(pd.DataFrame(ROWS).head(0))
    assert len(empty) == 0
    assert full.dtypes.to_dict() == empty.dtypes.to_dict()
    collected = mesocalc.plan_frame(pd.DataFrame(BAD_ROWS), errors="collect")
    assert collected.dtypes.to_dict() == empty.dtypes.to_dict()


def test_dask_plans_partition_by_partition() -> None:
    import dask.dataframe as dd  # noqa: PLC0415 - a test dependency of this test alone
    from dask.dataframe.utils import make_meta  # type: ignore[attr-defined]  # noqa: PLC0415

    rows = [dict(r, depth=r["depth"] or None) for r in BAD_ROWS] * 3
    requests = pd.DataFrame(rows, index=range(100, 100 + len(rows)))
    lazy = dd.from_pandas(requests, npartitions=3)  # type: ignore[no-untyped-call]
    meta = mesocalc.plan_frame(make_meta(lazy))  # type: ignore[no-untyped-call]
    plans = lazy.map_partitions(mesocalc.plan_frame, errors="collect", meta=meta).compute()
    pd.testing.assert_frame_equal(plans, mesocalc.plan_frame(requests, errors="collect"))
    with pytest.raises(mesocalc.InputTypeError, match="map_partitions"):
        mesocalc.plan_frame(lazy)


@given(frame_rows())
def test_collect_is_plan_row_by_row(rows: list[dict[str, Any]]) -> None:
    """Good rows are plan() of each row; each bad row's error is the one plan() raises."""
    requests = pd.DataFrame(rows, index=[f"r{i}" for i in range(len(rows))])
    plans = mesocalc.plan_frame(requests, errors="collect")
    assert list(plans.columns) == RESULT_COLUMNS
    expected = [_reference(row) for row in rows]
    for label, value in zip(plans.index, expected, strict=True):
        _assert_row(plans, label, value)
    bad = [i for i, e in enumerate(expected) if isinstance(e, mesocalc.MesocalcError)]
    if bad:
        with pytest.raises(mesocalc.MesocalcError) as caught:
            mesocalc.plan_frame(requests)
        assert caught.value.index == (bad[0],)
        assert caught.value.parameter == expected[bad[0]].parameter  # type: ignore[union-attr]
    else:
        pd.testing.assert_frame_equal(mesocalc.plan_frame(requests), plans)


def test_every_row_a_rule_refuses_gets_its_own_error_and_the_others_their_plans() -> None:
    # Submental infiltration: a session cap of 50 points (KYB); 80 cm^2 and more pass it.
    areas = ["10 cm^2", "80 cm^2", "20 cm^2", "90 cm^2", "85 cm^2", "30 cm^2"]
    rows = [{"technique": "infiltration", "zone": "submental", "area": a} for a in areas]
    plans = mesocalc.plan_frame(pd.DataFrame(rows), errors="collect")
    for i, row in enumerate(rows):
        _assert_row(plans, i, _reference(row))
    assert list(plans["error"].notna()) == [False, True, False, True, True, False]
    refused = mesocalc.plan_frame(pd.DataFrame([rows[1], rows[3]]), errors="collect")
    assert list(refused["error_type"]) == ["SoftLimitError", "SoftLimitError"]
