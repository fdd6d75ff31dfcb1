"""Retrograde threads: none longer than the needle, all inside the shape, totals that add up."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import assume, given
from hypothesis import strategies as st

import mesocalc
from mesocalc._geometry.shapes import polygon_of

from .strategies import shapes, spacings_mm


def _mm(value: float) -> str:
    return f"{value!r} mm"


PATTERNS = st.sampled_from(["parallel", "crosshatch", "fan"])


@given(shapes(), spacings_mm(low=3.0), st.floats(5.0, 20.0), PATTERNS, st.floats(0, 5))
def test_threads_are_short_enough_and_inside_the_shape(
    shape: mesocalc.Shape, s: float, length: float, pattern: str, margin: float
) -> None:
    t = mesocalc.threads(
        shape, _mm(s), thread_length=_mm(length), pattern=pattern, margin=_mm(margin)
    )
    if len(t) == 0:
        return
    assert t.lengths.magnitude.max() <= length * (1 + 1e-9)
    assert t.lengths.magnitude.min() > 0
    assert t.total_length.magnitude == pytest.approx(t.lengths.magnitude.sum())
    seg = t.segments.magnitude
    lines = shapely.linestrings(seg)
    poly = polygon_of(shape)
    # within the shape, at least (nearly: rounded corners of the erosion) the margin in
    assert shapely.covers(poly.buffer(1e-6), lines).all()
    mid = shapely.points(seg.mean(axis=1))
    assert shapely.distance(poly.boundary, mid).min() >= margin * (1 - 2e-3) - 1e-6


@given(st.integers(1, 20), st.integers(1, 20), spacings_mm(low=3.0), st.floats(5.0, 20.0))
def test_parallel_threads_in_an_aligned_rectangle_by_hand(
    n: int, m: int, s: float, length: float
) -> None:
    rect = mesocalc.Rectangle(_mm(n * s), _mm(m * s))
    t = mesocalc.threads(rect, _mm(s), thread_length=_mm(length))
    per_row = math.ceil(n * s / length * (1 - 1e-9))
    assert len(t) == m * per_row
    assert t.total_length.magnitude == pytest.approx(m * n * s)
    assert t.lengths.magnitude == pytest.approx(np.full(len(t), n * s / per_row))
    cross = mesocalc.threads(rect, _mm(s), thread_length=_mm(length), pattern="crosshatch")
    assert cross.total_length.magnitude == pytest.approx(2 * m * n * s)


def test_fan_threads_radiate_from_their_entry_points() -> None:
    t = mesocalc.threads(mesocalc.Circle("4 cm"), "7.5 mm", pattern="fan")
    entries = {tuple(np.round(e, 9)) for e in t.entries.magnitude}
    starts = {tuple(np.round(p, 9)) for p in t.segments.magnitude[:, 0, :]}
    assert starts == entries
    assert len(entries) < len(t)
    # tips of one fan about one spacing apart at full length: 2 pi 13 / 7.5 -> 11 threads
    first = t.segments.magnitude[:, 0, :] == t.segments.magnitude[0, 0, :]
    assert first.all(axis=1).sum() == 11
    assert t.lengths.magnitude.max() <= 13.0 + 1e-9


def test_threads_refuse_bad_input() -> None:
    c = mesocalc.Circle("1 cm")
    with pytest.raises(mesocalc.UnknownNameError) as info:
        mesocalc.threads(c, "5 mm", pattern="zigzag")
    assert info.value.parameter == "pattern"
    cases: list[tuple[dict[str, Any], str]] = [
        ({"spacing": "0 mm"}, "spacing"),
        ({"spacing": "5 mm", "thread_length": 13}, "thread_length"),
        ({"spacing": "5 mm", "margin": "-2 mm"}, "margin"),
    ]
    for kwargs, parameter in cases:
        with pytest.raises(mesocalc.MesocalcError) as err:
            mesocalc.threads(c, **kwargs)
        assert err.value.parameter == parameter
    with pytest.raises(mesocalc.InvalidValueError) as err:
        mesocalc.threads(mesocalc.Circle("5 m"), "50 µm")  # 2 x 10^5 rows: refused
    assert err.value.parameter == "spacing"
    with pytest.raises(mesocalc.InvalidValueError) as err:
        mesocalc.threads(mesocalc.Circle("5 m"), "1 mm", thread_length="0.5 mm")
    assert err.value.parameter == "thread_length"
    with pytest.raises(mesocalc.InvalidValueError) as err:
        mesocalc.threads(mesocalc.Circle("1 m"), "1 mm", pattern="fan")
    assert err.value.parameter == "spacing"


@given(shapes(low=20.0, high=150.0), st.sampled_from(["parallel", "crosshatch", "fan"]))
def test_retrograde_plan_reports_threads(shape: mesocalc.Shape, pattern: str) -> None:
    t = mesocalc.threads(shape, "7.5 mm", thread_length="13 mm", pattern=pattern)
    assume(len(t) > 0)
    p = mesocalc.plan(
        technique="retrograde", zone="face", area=shape, pattern=pattern, volume_per_point="0.3 mL"
    )
    assert p.points == len(t)  # one insertion per thread
    assert p.thread_length is not None
    assert p.total_thread_length is not None
    assert p.volume_per_cm is not None
    assert p.thread_length.magnitude == 13.0  # the catalog's whole 13 mm shaft
    assert p.total_thread_length.magnitude == pytest.approx(t.total_length.magnitude)
    assert p.total_volume.magnitude == pytest.approx(p.points * p.volume_per_point.magnitude)
    per_cm = p.total_volume.magnitude / (p.total_thread_length.magnitude / 10)
    assert p.volume_per_cm.to("mL/cm").magnitude == pytest.approx(per_cm)
    assert p.pattern == mesocalc.Pattern(pattern)
    assert p.to_dict()["placement"]["pattern"] == pattern
    again = mesocalc.Plan.from_dict(p.to_dict())
    assert again.total_thread_length is not None
    assert again.total_thread_length.magnitude == pytest.approx(p.total_thread_length.magnitude)
    assert again.pattern == p.pattern


def test_retrograde_by_hand() -> None:
    # 6 x 4 cm at 7.5 mm: 5 rows (floor(40 / 7.5)), each 60 mm cut into 5 threads of 12 mm.
    # No source gives a volume per thread: 0.3 mL, the cannula fan's pass (PROF-BODY).
    p = mesocalc.plan(
        technique="retrograde", zone="face", area=mesocalc.Rectangle("6 cm", "4 cm"),
        volume_per_point="0.3 mL",
    )  # fmt: skip
    assert p.points == 25
    assert p.total_thread_length is not None
    assert p.volume_per_cm is not None
    assert p.total_thread_length.magnitude == pytest.approx(300.0)
    assert p.total_volume.magnitude == pytest.approx(25 * 0.3)
    assert p.volume_per_cm.to("mL/cm").magnitude == pytest.approx(7.5 / 30)


def test_patterns_need_threads_and_fans_need_shapes() -> None:
    base: dict[str, Any] = {
        "technique": "retrograde",
        "zone": "face",
        "volume_per_point": "0.3 mL",
    }
    assert mesocalc.plan(**base, area="24 cm^2", pattern="parallel").points == 25
    for pattern in ("fan", "crosshatch"):
        with pytest.raises(mesocalc.InvalidValueError) as info:
            mesocalc.plan(**base, area="24 cm^2", pattern=pattern)
        assert info.value.parameter == "area"
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.plan(
            technique="classic", zone="face", area=mesocalc.Circle("2 cm"), pattern="parallel"
        )
    assert info.value.parameter == "pattern"


@given(
    shapes(low=0.01, high=10_000.0),
    st.floats(1e-20, 1e4),
    st.floats(1e-20, 1e4),
    PATTERNS,
    st.floats(0, 1e4),
)
def test_any_input_gives_threads_or_a_mesocalc_error(
    shape: mesocalc.Shape, s: float, length: float, pattern: str, margin: float
) -> None:
    try:
        t = mesocalc.threads(
            shape, _mm(s), thread_length=_mm(length), pattern=pattern, margin=_mm(margin)
        )
    except mesocalc.MesocalcError as exc:
        refused = exc.parameter
    else:
        assert len(t) <= 10_000_000
        return
    assert refused in ("spacing", "thread_length", "margin")
