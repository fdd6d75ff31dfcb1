"""Skin by patient: a plan told the patient's sex and age holds to their group's skin."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mesocalc
from mesocalc import WarningCode

WHY = mesocalc.Override(reason="the clinician's judgement, recorded")


def _cheek(sex: str | None, age: float | None, **request: Any) -> mesocalc.Plan:
    anatomy = mesocalc.Anatomy(sex=sex, age=age)
    p = mesocalc.plan(technique="classic", site="cheek", side="left", anatomy=anatomy, **request)
    assert isinstance(p, mesocalc.Plan)
    return p


def _codes(p: mesocalc.Plan) -> list[WarningCode]:
    return [w.code for w in p.warning_records]


def test_classic_at_2_2_mm_is_refused_on_a_young_womans_cheek_whatever_the_override() -> None:
    for override in (None, WHY):
        with pytest.raises(mesocalc.HardLimitError) as info:
            _cheek("female", 25, depth="2.2 mm", override=override)
        error = info.value
        assert error.parameter == "depth"
        assert "1.9 mm" in str(error)
        assert "women aged 20-29" in str(error)
        assert "US50" in str(error)


def test_a_young_mans_cheek_allows_2_2_mm_with_an_override() -> None:
    with pytest.raises(mesocalc.SoftLimitError) as info:
        _cheek("male", 25, depth="2.2 mm")  # beyond the 1-2 mm range: an override
    assert info.value.parameter == "depth"
    p = _cheek("male", 25, depth="2.2 mm", override=WHY)
    assert p.depth.to("mm").magnitude == pytest.approx(2.2)
    assert WarningCode.SKIN_NOT_NARROWED not in _codes(p)


def test_within_the_groups_skin_a_womans_plan_goes_through_without_a_word() -> None:
    p = _cheek("female", 29, depth="1.9 mm")
    assert WarningCode.SKIN_NOT_NARROWED not in _codes(p)
    with pytest.raises(mesocalc.HardLimitError):
        _cheek("female", 29, depth="1.91 mm")


@pytest.mark.parametrize(
    ("sex", "age", "words"),
    [
        ("female", 45, "women's skin thins with age (MENG22)"),
        ("male", 45, "no source measures men aged 45"),
        (None, 25, "sex is not given"),
        ("female", None, "age is not given"),
    ],
)
def test_outside_the_group_the_zones_range_holds_and_the_plan_says_so(
    sex: str | None, age: float | None, words: str
) -> None:
    p = _cheek(sex, age, depth="2.2 mm", override=WHY)  # the face's skin reaches 2.53 mm
    (said,) = [w for w in p.warning_records if w.code is WarningCode.SKIN_NOT_NARROWED]
    assert said.parameter == "depth"
    assert words in said.text
    assert "US50" in said.sources
    # Thinning with age is said of women's skin, where an age is given outside the group.
    assert ("MENG22" in said.sources) == (sex == "female" and age is not None)


def test_a_site_no_source_measures_by_group_keeps_the_zones_range_and_says_so() -> None:
    anatomy = mesocalc.Anatomy(sex="female", age=25)
    p = mesocalc.plan(technique="classic", site="temple", side="right", anatomy=anatomy)
    (said,) = [w for w in p.warning_records if w.code is WarningCode.SKIN_NOT_NARROWED]
    assert "no source measures the skin of the temple" in said.text


def test_no_sex_nor_age_asks_nothing_and_other_layers_are_not_narrowed() -> None:
    p = mesocalc.plan(
        technique="classic",
        site="cheek",
        side="left",
        anatomy=mesocalc.Anatomy(face_width="13 cm"),
    )
    assert WarningCode.SKIN_NOT_NARROWED not in _codes(p)
    deep = mesocalc.plan(
        technique="nappage",
        site="cheek",
        side="left",
        anatomy=mesocalc.Anatomy(sex="female", age=25),
    )  # nappage names no layer (2-4 mm straddles it): no group skin binds it
    assert WarningCode.SKIN_NOT_NARROWED not in _codes(deep)


def test_the_eyelids_own_cap_still_binds_a_periorbital_plan_of_a_young_man() -> None:
    anatomy = mesocalc.Anatomy(sex="male", age=25)  # US50's canthus: 1.64 mm, thicker
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.plan(
            technique="classic", site="periorbital", side="left", anatomy=anatomy, depth="1 mm"
        )
    assert info.value.parameter == "depth"


@settings(max_examples=40, deadline=None)
@given(
    sex=st.sampled_from(["female", "male", None]),
    age=st.none() | st.floats(18.0, 90.0),
    depth=st.floats(1.0, 2.0),
)
def test_a_group_only_ever_narrows_the_limit(
    sex: str | None, age: float | None, depth: float
) -> None:
    """What a plan without the patient refuses, a plan with one refuses too."""
    request: dict[str, Any] = {"depth": f"{depth!r} mm"}
    mesocalc.plan(technique="classic", site="cheek", side="left", **request)  # within 1-2 mm
    try:
        _cheek(sex, age, **request)
    except mesocalc.HardLimitError:
        figure = 1.90 if sex == "female" else 2.53
        assert sex is not None
        assert age is not None
        assert 20 <= age < 30
        assert depth > figure
