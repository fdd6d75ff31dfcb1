"""Multi-needle heads: 1 to 18 needles (SEED0), shots that cover the layout."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import mesocalc
from mesocalc._geometry.injector import shots

from .strategies import injectors, shapes


def test_default_grids_are_the_squarest() -> None:
    assert (mesocalc.Injector(needles=9).rows, mesocalc.Injector(needles=9).columns) == (3, 3)
    assert (mesocalc.Injector(needles=5).rows, mesocalc.Injector(needles=5).columns) == (1, 5)
    assert (mesocalc.Injector(needles=18).rows, mesocalc.Injector(needles=18).columns) == (3, 6)
    assert mesocalc.Injector(needles=1).pitch is None
    assert mesocalc.Injector(needles=6, rows=2, pitch="0.4 cm").pitch_mm == 4.0


@pytest.mark.parametrize(
    ("kwargs", "parameter", "error"),
    [
        ({"needles": 0}, "needles", mesocalc.InvalidValueError),
        ({"needles": 19}, "needles", mesocalc.InvalidValueError),
        ({"needles": 2.0}, "needles", mesocalc.InputTypeError),
        ({"needles": True}, "needles", mesocalc.InputTypeError),
        ({"needles": "9"}, "needles", mesocalc.InputTypeError),
        ({"needles": 9, "rows": 2}, "rows", mesocalc.InvalidValueError),
        ({"needles": 9, "rows": 0}, "rows", mesocalc.InvalidValueError),
        ({"needles": 9, "rows": 1.5}, "rows", mesocalc.InputTypeError),
        ({"needles": 9, "pitch": 4}, "pitch", mesocalc.UnitError),
        ({"needles": 9, "pitch": "-4 mm"}, "pitch", mesocalc.InvalidValueError),
    ],
)
def test_bad_injectors_name_their_parameter(
    kwargs: dict[str, Any], parameter: str, error: type[mesocalc.MesocalcError]
) -> None:
    with pytest.raises(error) as info:
        mesocalc.Injector(**kwargs)
    assert info.value.parameter == parameter
    if parameter == "needles" and error is mesocalc.InvalidValueError:
        assert "SEED0" in str(info.value)


@given(st.integers(1, 30), st.integers(1, 30), injectors())
def test_shots_on_blocks_of_whole_heads_by_hand(a: int, b: int, head: mesocalc.Injector) -> None:
    cols, rows = head.columns, head.rows
    ij = np.array([(i, j) for i in range(a * cols) for j in range(b * rows)])
    assert shots(ij, head) == a * b


@given(shapes(high=120.0), injectors())
def test_shots_cover_every_point_and_no_more_than_needed(
    shape: mesocalc.Shape, head: mesocalc.Injector
) -> None:
    lay = mesocalc.layout(shape, "7.5 mm")
    assume(len(lay) > 0)
    n = shots(lay.indices, head)
    assert math.ceil(len(lay) / head.needles) <= n <= len(lay)
    if head.needles == 1:
        assert n == len(lay)


@given(shapes(high=120.0), injectors())
def test_plan_with_an_injector(shape: mesocalc.Shape, head: mesocalc.Injector) -> None:
    lay = mesocalc.layout(shape, "7.5 mm")
    assume(len(lay) > 0)
    p = mesocalc.plan(
        technique="classic", zone="face", area=shape, injector=head, spacing="7.5 mm"
    )
    assert p.points == len(lay)
    assert p.shots == shots(lay.indices, head)
    assert p.needles == head.needles
    assert p.volume_per_needle_per_shot == p.volume_per_point
    if head.needles > 1:
        assert any("needle pitch" in w for w in p.warnings)
    assert mesocalc.Plan.from_dict(p.to_dict()).shots == p.shots


def test_a_pitch_sets_the_spacing_and_must_agree_with_it() -> None:
    rect = mesocalc.Rectangle("6 cm", "3 cm")
    head = mesocalc.Injector(needles=9, pitch="6 mm")
    p = mesocalc.plan(technique="classic", zone="face", area=rect, injector=head)
    # 10 x 5 points at 6 mm; 3 x 3 heads: best tiling needs 4 x 2 shots
    assert (p.spacing.magnitude, p.points, p.shots) == (6.0, 50, 8)
    assert not any("needle pitch" in w for w in p.warnings)
    assert (
        mesocalc.plan(
            technique="classic", zone="face", area=rect, injector=head, spacing="0.6 cm"
        ).shots
        == 8
    )
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.plan(technique="classic", zone="face", area=rect, injector=head, spacing="7 mm")
    assert info.value.parameter == "spacing"
    with pytest.raises(mesocalc.SoftLimitError) as limit:  # 3 mm is below classic's 5-10 mm
        mesocalc.plan(
            technique="classic",
            zone="face",
            area=rect,
            injector=mesocalc.Injector(needles=9, pitch="3 mm"),
        )
    assert limit.value.parameter == "spacing"


def test_injector_errors_in_plan() -> None:
    rect = mesocalc.Rectangle("6 cm", "3 cm")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"technique": "classic", "injector": 9}, "injector"),
        (
            {
                "technique": "retrograde",
                "injector": mesocalc.Injector(needles=5),
                "volume_per_point": "0.1 mL",
            },
            "injector",
        ),
        (
            {"technique": "classic", "injector": mesocalc.Injector(needles=5), "lattice": "hex"},
            "lattice",
        ),
    ]
    for kwargs, parameter in cases:
        with pytest.raises(mesocalc.MesocalcError) as info:
            mesocalc.plan(zone="face", area=rect, **kwargs)
        assert info.value.parameter == parameter


def test_without_a_shape_shots_are_an_estimate_and_say_so() -> None:
    p = mesocalc.plan(
        technique="classic", zone="face", area="40 cm^2", injector=mesocalc.Injector(needles=9),
        spacing="7.5 mm",
    )  # fmt: skip
    assert (p.points, p.shots) == (72, 8)
    assert any("estimated" in w for w in p.warnings)
