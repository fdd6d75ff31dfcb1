"""Courses: sessions over weeks; a label's course is hard, seed 003's interval warns (issue 10)."""

from __future__ import annotations

import datetime
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mesocalc
from mesocalc._clinic.course import add_months


def _face() -> mesocalc.Plan:
    return mesocalc.plan(technique="classic", zone="face", area="200 cm^2")


def _side() -> mesocalc.Plan:
    return mesocalc.plan(
        technique="infiltration", zone="submental", area="20 cm^2", volume_per_point="0.2 mL"
    )


def test_a_weekly_course_of_the_face() -> None:
    course = mesocalc.Course.lay_out([_face()], first="2026-12-01", count=4, every=7)
    assert [s.date for s in course.sessions][-1] == datetime.date(2026, 12, 22)
    assert course.warnings == ()  # 7 days: within seed 003's 7-10
    assert course.next_due == datetime.date(2026, 12, 29)
    volume, dose = course.cumulative()["face"]
    assert volume.to("mL").magnitude == pytest.approx(4 * 2.0)
    assert dose is None  # no product, no concentration
    assert mesocalc.Course.from_dict(json.loads(json.dumps(course.to_dict()))) == course


def test_an_interval_outside_seed_003s_warns() -> None:
    course = mesocalc.Course.lay_out([_face()], first="2026-12-01", count=2, every=14)
    assert len(course.warnings) == 1
    assert "outside the recommended 7-10 days" in course.warnings[0]
    assert "up to 2-3 weeks for prolonged-action products" in course.warnings[0]


def test_the_deoxycholic_acid_course_is_hard() -> None:
    kyb = mesocalc.product("deoxycholic acid")
    six = mesocalc.Course.lay_out(
        [_side(), _side()], first="2026-12-01", count=6, every=31, product=kyb
    )
    volume, dose = six.cumulative()["submental"]
    assert volume.to("mL").magnitude == pytest.approx(6 * 8.0)
    assert dose is not None
    assert dose.to("mg").magnitude == pytest.approx(6 * 80.0)
    assert six.next_due == add_months(datetime.date(2026, 12, 1) + datetime.timedelta(days=155), 1)
    with pytest.raises(mesocalc.HardLimitError, match="^sessions: got 7") as info:
        mesocalc.Course.lay_out([_side()], first="2026-12-01", count=7, every=31, product=kyb)
    assert info.value.source == "KYB"
    with pytest.raises(mesocalc.HardLimitError, match="^date: got '2026-12-15'"):
        mesocalc.Course.lay_out([_side()], first="2026-12-01", count=2, every=14, product=kyb)


@pytest.mark.parametrize(
    ("sessions", "parameter"),
    [
        ([], "sessions"),
        (["x"], "sessions[0]"),
    ],
)
def test_bad_courses_name_the_parameter(sessions: list[object], parameter: str) -> None:
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Course(sessions=sessions)
    assert info.value.parameter == parameter


def test_sessions_must_be_dated_and_in_order() -> None:
    undated = mesocalc.Session(plans=[_face()])
    with pytest.raises(mesocalc.InvalidValueError, match=r"^sessions\[0\]\.date"):
        mesocalc.Course(sessions=[undated])
    a = mesocalc.Session(plans=[_face()], date="2026-12-08")
    b = mesocalc.Session(plans=[_face()], date="2026-12-01")
    with pytest.raises(mesocalc.InvalidValueError, match=r"^sessions\[1\]\.date"):
        mesocalc.Course(sessions=[a, b])


@given(
    st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 1, 1)),
    st.integers(0, 36),
)
def test_adding_months_keeps_the_day_within_the_month(day: datetime.date, months: int) -> None:
    later = add_months(day, months)
    assert (later.year - day.year) * 12 + later.month - day.month == months
    assert later.day == day.day or later.day < day.day


def test_a_course_laid_out_with_an_override_passes_the_summed_session_cap() -> None:
    chin = mesocalc.plan(technique="infiltration", zone="submental", area="30 cm^2")
    with pytest.raises(mesocalc.SoftLimitError) as info:
        mesocalc.Course.lay_out([chin, chin], first="2026-12-01", count=2, every=30)
    assert info.value.parameter == "points"
    reason = mesocalc.Override(reason="two sides in one sitting, agreed with the patient")
    course = mesocalc.Course.lay_out(
        [chin, chin], first="2026-12-01", count=2, every=30, override=reason
    )
    assert all(s.override == reason for s in course.sessions)
