"""Plans from the quantities protocols state: a number of points, a total volume (issue 10)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mesocalc
from mesocalc._exchange.cli import main

from . import strategies as mst

_OVERRIDE = mesocalc.Override(reason="the protocol's own numbers")


def test_amin_full_face_from_points_and_a_total() -> None:
    # AMIN: 200-250 injections of 0.01 mL at 1 cm over the face, 2-2.5 mL.
    p = mesocalc.plan(
        technique="classic", zone="face", area="200 cm^2", points=250, total_volume="2.5 mL"
    )
    assert p.points == 250
    assert p.volume_per_point.to("mL").magnitude == pytest.approx(0.01)
    assert p.total_volume.to("mL").magnitude == pytest.approx(2.5)
    assert p.spacing.to("mm").magnitude == pytest.approx(math.sqrt(20000 / 250))
    assert p.dose_per_area.to("mL/cm^2").magnitude == pytest.approx(2.5 / 200)


def test_a_total_that_needs_too_much_per_point_says_what_it_needs() -> None:
    with pytest.raises(
        mesocalc.SoftLimitError, match=r"^volume_per_point: got '0\.05 mL \(1 mL over 20 points\)'"
    ):
        mesocalc.plan(technique="classic", zone="face", area="20 cm^2", total_volume="1 mL")
    p = mesocalc.plan(
        technique="classic", zone="face", area="20 cm^2", total_volume="1 mL", override=_OVERRIDE
    )
    assert [r.parameter for r in p.overrides] == ["volume_per_point"]


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"spacing": "1 cm", "points": 20}, "points"),
        ({"volume_per_point": "0.01 mL", "total_volume": "1 mL"}, "total_volume"),
        ({"points": 2.5}, "points"),
        ({"points": True}, "points"),
        ({"points": 0}, "points"),
        ({"total_volume": "-1 mL"}, "total_volume"),
        ({"total_volume": 1.0}, "total_volume"),
        ({"area": mesocalc.Rectangle("4 cm", "5 cm"), "points": 100_001}, "points"),
        ({"area": mesocalc.Rectangle("4 cm", "5 cm"), "points": 2.5}, "points"),
        (
            {
                "area": mesocalc.Rectangle("4 cm", "5 cm"),
                "points": 20,
                "injector": mesocalc.Injector(needles=4, rows=2, pitch="1 cm"),
            },
            "points",
        ),
        ({"area": ["20 cm^2"], "points": 20}, "points"),
        ({"area": ["20 cm^2"], "total_volume": "1 mL"}, "total_volume"),
    ],
)
def test_bad_requests_name_the_parameter(kwargs: dict[str, Any], parameter: str) -> None:
    request: dict[str, Any] = {"technique": "classic", "zone": "face", "area": "20 cm^2"}
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.plan(**{**request, **kwargs})
    assert info.value.parameter == parameter


@given(mst.entries(), st.data())
def test_a_plan_from_a_total_injects_exactly_that_total(
    entry: mesocalc.Spec, data: st.DataObject
) -> None:
    request: dict[str, Any] = {"technique": entry.technique, "zone": entry.zone}
    request.update({k: v for k, v in mst.required(entry).items() if k != "volume_per_point"})
    area = data.draw(mst.areas(entry=entry))
    first = mesocalc.plan(
        area=f"{area!r} mm^2",
        **request,
        volume_per_point=f"{entry.volume_per_point.high_magnitude!r} mL",
    )
    total = first.points * data.draw(mst.in_range(entry.volume_per_point))
    p = mesocalc.plan(area=f"{area!r} mm^2", total_volume=f"{total!r} mL", **request)
    assert p.total_volume.to("mL").magnitude == pytest.approx(total, rel=1e-12)
    assert p.overrides == ()


@given(mst.entries(), st.data())
def test_a_plan_from_points_has_exactly_that_many(
    entry: mesocalc.Spec, data: st.DataObject
) -> None:
    request: dict[str, Any] = {"technique": entry.technique, "zone": entry.zone}
    request.update({k: v for k, v in mst.required(entry).items() if k != "spacing"})
    area = data.draw(st.floats(min_value=100.0, max_value=2e4))
    n = data.draw(st.integers(min_value=1, max_value=2000))
    try:
        p = mesocalc.plan(area=f"{area!r} mm^2", points=n, override=_OVERRIDE, **request)
    except mesocalc.HardLimitError:
        return  # a session cap, or a spacing a hard limit refuses
    assert p.points == n
    assert p.dose_per_area.to("mL/cm^2").magnitude == pytest.approx(
        p.total_volume.to("mL").magnitude / (area / 100), rel=1e-12
    )


def test_the_command_line_takes_points_and_a_total(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", "--technique", "classic", "--zone", "face", "--area", "200 cm^2"]
    assert main([*argv, "--points", "250", "--total-volume", "2.5 mL"]) == 0
    out = capsys.readouterr().out
    assert "points            250" in out
    assert "total_volume      2.5 mL" in out
    assert main([*argv, "--points", "250", "--spacing", "1 cm"]) == 2
    assert "not both" in capsys.readouterr().err


def test_a_dose_per_area_that_needs_too_much_per_point_says_what_it_needs() -> None:
    # JOVE-PRP: 0.2 mL per cm² of scalp; at nappage's 2.5 mm that is 0.0125 mL per point.
    with pytest.raises(mesocalc.SoftLimitError) as info:
        mesocalc.plan(
            technique="nappage", zone="scalp", area="24 cm^2", spacing="2.5 mm",
            dose_per_area="0.2 mL/cm^2",
        )  # fmt: skip
    assert "0.0125 mL (0.2 mL/cm² at 2.5 mm spacing)" in str(info.value)
    with pytest.raises(mesocalc.UnitError, match="^dose_per_area: "):
        mesocalc.plan(technique="classic", zone="face", area="4 cm^2", dose_per_area="2 mm")
    with pytest.raises(mesocalc.InvalidValueError, match="^dose_per_area: .*not both"):
        mesocalc.plan(
            technique="classic", zone="face", area="4 cm^2", total_volume="0.1 mL",
            dose_per_area="0.01 mL/cm^2",
        )  # fmt: skip


@given(mst.entries(), st.data())
def test_a_plan_from_a_dose_per_area_has_that_dose(
    entry: mesocalc.Spec, data: st.DataObject
) -> None:
    request: dict[str, Any] = {"technique": entry.technique, "zone": entry.zone}
    request.update({k: v for k, v in mst.required(entry).items() if k != "volume_per_point"})
    area = data.draw(mst.areas(entry=entry))
    dose = data.draw(st.floats(min_value=1e-4, max_value=1.0))
    try:
        p = mesocalc.plan(
            area=f"{area!r} mm^2", dose_per_area=f"{dose!r} mL/cm^2", override=_OVERRIDE,
            **request,
        )  # fmt: skip
    except mesocalc.HardLimitError:
        return  # a session cap
    assert p.dose_per_area.to("mL/cm^2").magnitude == pytest.approx(dose, rel=1e-9)


# --- on a shape, the layout's own count -----------------------------------------------------


@given(mst.entries(), mst.shapes(low=20.0, high=80.0), st.data())
def test_on_a_shape_a_total_is_spread_over_the_layouts_points(
    entry: mesocalc.Spec, shape: mesocalc.Shape, data: st.DataObject
) -> None:
    """The layout of a shape, not the density estimate, decides how the total is shared."""
    request: dict[str, Any] = {"technique": entry.technique, "zone": entry.zone, "area": shape}
    request.update({k: v for k, v in mst.required(entry).items() if k != "volume_per_point"})
    try:
        first = mesocalc.plan(**request, override=_OVERRIDE)
    except mesocalc.MesocalcError:
        return  # no room for a point, or a thread pattern this shape does not take
    total = first.points * data.draw(mst.in_range(entry.volume_per_point))
    p = mesocalc.plan(**request, total_volume=f"{total!r} mL", override=_OVERRIDE)
    assert p.points == first.points
    assert p.total_volume.to("mL").magnitude == pytest.approx(total, rel=1e-12)
    dose = data.draw(st.floats(min_value=1e-3, max_value=0.5))
    try:
        q = mesocalc.plan(**request, dose_per_area=f"{dose!r} mL/cm^2", override=_OVERRIDE)
    except mesocalc.HardLimitError:
        return  # a session cap
    assert q.dose_per_area.to("mL/cm^2").magnitude == pytest.approx(dose, rel=1e-9)


@given(mst.shapes(low=20.0, high=80.0), st.integers(min_value=1, max_value=60))
def test_on_a_shape_points_gives_that_many_or_the_nearest_with_a_warning(
    shape: mesocalc.Shape, n: int
) -> None:
    request: dict[str, Any] = {
        "technique": "classic",
        "zone": "face",
        "area": shape,
        "override": _OVERRIDE,
    }
    try:
        p = mesocalc.plan(**request, points=n)
    except mesocalc.MesocalcError as error:
        assert error.parameter in {"points", "spacing"}  # no layout of this outline holds n
        return
    rounded = [w for w in p.warnings if w.startswith("points: ")]
    assert p.points == n or rounded
    assert len(p.layout or ()) == p.points
    for nudge in (1 - 1e-9, 1 + 1e-9):  # the spacing is not at a jump of the count
        assert mesocalc.plan(**request, spacing=p.spacing * nudge).points == p.points
    again = mesocalc.Plan.from_dict(json.loads(json.dumps(p.to_dict())))
    assert again.points == p.points


def test_hk19s_twenty_points_on_an_outline_of_the_cheek() -> None:
    # HK19: 20 micropunctures of 50 µL into the lower cheek; the outline is an illustration.
    cheek = mesocalc.Ellipse("6 cm", "4 cm")
    p = mesocalc.plan(
        technique="classic", zone="face", area=cheek, points=20, volume_per_point="50 uL",
        override=_OVERRIDE,
    )  # fmt: skip
    assert (p.points, len(p.layout or ())) == (20, 20)
    assert p.total_volume.to("mL").magnitude == pytest.approx(1.0)
    assert not any(w.startswith("points: ") for w in p.warnings)
    assert [r.parameter for r in p.overrides] == ["volume_per_point"]  # 9.5 mm is in range
    with pytest.raises(
        mesocalc.SoftLimitError,
        match=r"^spacing: got .14.17 mm \(8 points on the shape, the nearest to 9\)",
    ):
        mesocalc.plan(technique="classic", zone="face", area=cheek, points=9)


def test_a_count_that_holds_at_one_spacing_only_is_not_chosen() -> None:
    """A 2 cm square given as a diamond holds 8 points at exactly 5 mm, 12 just below, 4 above.

    Drawn again from a stored plan, 8 would not keep: the plan takes the nearest count a run
    of spacings gives, and says so.
    """
    turn = math.pi / 2
    diamond = mesocalc.Polygon(
        [(f"{10 * math.cos(k * turn)!r} mm", f"{10 * math.sin(k * turn)!r} mm") for k in range(4)]
    )
    request: dict[str, Any] = {
        "technique": "classic",
        "zone": "face",
        "area": diamond,
        "override": _OVERRIDE,
    }
    assert mesocalc.plan(**request, spacing="5 mm").points == 8  # the lattice meets the corners
    p = mesocalc.plan(**request, points=8)
    assert p.points != 8
    assert any(w.startswith("points: ") for w in p.warnings)
    for nudge in (1 - 1e-9, 1 + 1e-9):
        assert mesocalc.plan(**request, spacing=p.spacing * nudge).points == p.points
    assert mesocalc.Plan.from_dict(json.loads(json.dumps(p.to_dict()))).points == p.points
