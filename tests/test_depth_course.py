"""Courses: a laid-out course's counts at their limits, a label's course, and its table."""

from __future__ import annotations

import datetime

import pytest

import mesocalc

FIRST = datetime.date(2026, 1, 5)


def _plans() -> list[mesocalc.Plan]:
    return [mesocalc.plan(technique="infiltration", zone="submental", area="10 cm^2")]


@pytest.mark.parametrize(
    ("count", "every", "parameter", "value"),
    [(0, 30, "count", 0), (True, 30, "count", True), (2, 0, "every", 0), (2, 1.5, "every", 1.5)],
)
def test_a_course_needs_whole_counts(
    count: int, every: int, parameter: str, value: object
) -> None:
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.Course.lay_out(_plans(), first=FIRST, count=count, every=every)
    assert (info.value.parameter, info.value.value) == (parameter, value)


def test_a_labelled_course_is_not_held_to_seed_003s_interval_and_reports_its_dose() -> None:
    course = mesocalc.Course.lay_out(
        _plans(), first=FIRST, count=2, every=35, product=mesocalc.product("kybella")
    )
    assert course.warnings == ()  # the label's month apart, not seed 003's 7-10 days
    table = course.table()
    assert "mg" in table
    assert "submental" in table
