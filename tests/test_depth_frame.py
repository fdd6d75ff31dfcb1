"""plan_frame's refusals of odd cells, as plan() refuses them row by row."""

from __future__ import annotations

import pandas as pd
import pint_pandas  # noqa: F401 - registers the pint dtype
import pytest

import mesocalc


def test_a_pint_column_of_the_wrong_dimension_is_refused_as_plan_refuses_it() -> None:
    frame = pd.DataFrame(
        {
            "technique": ["classic"],
            "zone": ["face"],
            "area": pd.Series([4.0], dtype="pint[mm]"),
        }
    )
    with pytest.raises(mesocalc.UnitError) as info:
        mesocalc.plan_frame(frame)
    assert info.value.parameter == "area"


def test_a_cell_holding_a_list_is_refused() -> None:
    frame = pd.DataFrame({"technique": ["classic"], "zone": ["face"], "area": [["4 cm^2"]]})
    with pytest.raises(mesocalc.InputTypeError) as info:
        mesocalc.plan_frame(frame)
    assert info.value.parameter == "area"


def test_an_unhashable_technique_cell_is_refused() -> None:
    frame = pd.DataFrame({"technique": [["classic"]], "zone": ["face"], "area": ["4 cm^2"]})
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.plan_frame(frame)
    assert info.value.parameter == "technique"


def test_a_warning_record_refuses_a_code_that_is_not_a_code() -> None:
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.WarningRecord(code="made-up", text="x")  # type: ignore[arg-type]
    assert (info.value.parameter, info.value.value) == ("code", "made-up")
