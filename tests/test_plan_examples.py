"""Plans computed by hand from the seed numbers."""

from __future__ import annotations

import json
import math

import pint
import pytest

import mesocalc

UREG = pint.get_application_registry()  # type: ignore[no-untyped-call]


def test_classic_on_40_cm2_of_face_at_the_published_defaults() -> None:
    # AMIN: injections of 0.01 mL at 1 cm (inside seed 003's 0.5-1 cm and 0.01-0.03 mL):
    # 4000 mm² / 100 mm² = 40 points; 40 x 0.01 = 0.4 mL; no published loss -> 0.
    p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
    assert p.points == 40
    assert p.spacing == UREG.Quantity(10.0, "mm")
    assert p.depth == UREG.Quantity(1.5, "mm")
    assert p.angle == UREG.Quantity(52.5, "degree")
    assert p.volume_per_point.to("mL").magnitude == pytest.approx(0.01)
    assert p.total_volume.to("mL").magnitude == pytest.approx(0.4)
    assert p.expected_loss.to("mL").magnitude == 0
    assert any("unsourced" in w for w in p.warnings)


def test_classic_on_40_cm2_of_face() -> None:
    # seed 003: 0.5-1 cm apart, midpoint 7.5 mm; 4000 mm² / 56.25 mm² = 71.1 -> 72 points;
    # 0.01-0.03 mL, midpoint 0.02 mL; 72 x 0.02 = 1.44 mL; no published loss -> 0.
    p = mesocalc.plan(
        technique="classic", zone="face", area="40 cm^2", spacing="7.5 mm",
        volume_per_point="0.02 mL",
    )  # fmt: skip
    assert p.points == 72
    assert p.spacing == UREG.Quantity(7.5, "mm")
    assert p.depth == UREG.Quantity(1.5, "mm")
    assert p.angle == UREG.Quantity(52.5, "degree")
    assert p.volume_per_point.to("mL").magnitude == pytest.approx(0.02)
    assert p.total_volume.to("mL").magnitude == pytest.approx(1.44)
    assert p.expected_loss.to("mL").magnitude == 0
    assert p.delivered_volume.to("mL").magnitude == pytest.approx(1.44)
    assert any("unsourced" in w for w in p.warnings)


def test_exact_multiples_do_not_round_up() -> None:
    # 0.27 cm² = 27 mm² = 3 cells of 3 mm x 3 mm, although 0.27 * 100 / 9 is 3.0000000000000004.
    p = mesocalc.plan(technique="nappage", zone="face", area="0.27 cm^2", spacing="3 mm")
    assert p.points == 3
    p = mesocalc.plan(technique="classic", zone="face", area="1 cm^2", spacing="0.5 cm")
    assert p.points == 4


def test_hexagonal_lattice_needs_more_points() -> None:
    # cell = (√3/2) x 7.5² = 48.71 mm²; 4000 / 48.71 = 82.1 -> 83 points.
    p = mesocalc.plan(
        technique="classic", zone="face", area="40 cm^2", lattice="hex", spacing="7.5 mm"
    )
    assert p.points == 83 == math.ceil(4000 / (math.sqrt(3) / 2 * 7.5**2))


def test_nappage_loses_half_on_the_scalp() -> None:
    # seed 003: 2-3 mm apart, up to 50 % lost; 24 cm² at 2.5 mm = 384 points.
    p = mesocalc.plan(
        technique="nappage", zone="scalp", area="24 cm^2", spacing="2.5 mm",
        volume_per_point="0.01 mL",
    )  # fmt: skip
    assert p.points == 384
    assert p.total_volume.to("mL").magnitude == pytest.approx(3.84)
    assert p.expected_loss.to("mL").magnitude == pytest.approx(1.92)
    assert p.delivered_volume.to("mL").magnitude == pytest.approx(1.92)


def test_infiltration_of_the_double_chin() -> None:
    # seed 003: deeper than 4 mm, up to 0.1 mL per point; 1 cm grid (label analogue).
    p = mesocalc.plan(technique="infiltration", zone="double chin", area="10 cm^2")
    assert p.points == 10
    assert p.total_volume.to("mL").magnitude == pytest.approx(1.0)
    assert p.depth.to("mm").magnitude > 4
    with pytest.raises(mesocalc.SoftLimitError, match="more than 4 mm"):
        mesocalc.plan(technique="infiltration", zone="submental", area="10 cm^2", depth="4 mm")
    # The deoxycholic acid label's 0.2 mL (KYB) needs no override; more does.
    mesocalc.plan(
        technique="infiltration", zone="submental", area="10 cm^2", volume_per_point="0.2 mL"
    )
    with pytest.raises(mesocalc.SoftLimitError, match="at most 0.2 mL"):
        mesocalc.plan(
            technique="infiltration", zone="submental", area="10 cm^2", volume_per_point="0.3 mL"
        )


def test_retrograde_threads_cover_spacing_by_thread_length() -> None:
    # 4000 mm² / (7.5 mm x 13 mm) = 41.03 -> 42 threads (no source gives a volume per thread).
    p = mesocalc.plan(
        technique="retrograde", zone="face", area="40 cm^2", volume_per_point="0.1 mL"
    )
    assert p.points == 42
    assert p.thread_length == UREG.Quantity(13, "mm")
    with pytest.raises(mesocalc.InvalidValueError, match="^lattice: "):
        mesocalc.plan(
            technique="retrograde", zone="face", area="40 cm^2", lattice="hex",
            volume_per_point="0.1 mL",
        )  # fmt: skip


@pytest.mark.parametrize(
    ("zone", "default", "inside", "allowed", "source"),
    [
        ("neck", 1.0, "0.8 mm", "at most 1 mm", "SEED3"),
        ("decollete", 1.0, "0.8 mm", "at most 1 mm", "SEED3"),
        ("décolleté", 1.0, "0.8 mm", "at most 1 mm", "SEED3"),
        # The lid's skin is 0.52-0.63 mm (LEEHWANG02): classic stays in it, under seed 003's 1 mm.
        ("eyelid", 0.5, "0.6 mm", "at most 0.626 mm", "SEED3, LEEHWANG02, PERRIN08"),
        ("periorbital", 0.5, "0.6 mm", "at most 0.626 mm", "SEED3, LEEHWANG02, PERRIN08"),
    ],
)
def test_classic_is_at_most_1_mm_deep_on_thin_skin(
    zone: str, default: float, inside: str, allowed: str, source: str
) -> None:
    assert mesocalc.plan(technique="classic", zone=zone, area="4 cm^2").depth == default * UREG.mm
    mesocalc.plan(technique="classic", zone=zone, area="4 cm^2", depth=inside)
    # seed 003's "no more than 1 mm" is a hard limit: no override passes it (issue 4).
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.plan(
            technique="classic", zone=zone, area="4 cm^2", depth="1.2 mm",
            override=mesocalc.Override(reason="I insist"),
        )  # fmt: skip
    assert (info.value.parameter, info.value.allowed, info.value.source) == (
        "depth",
        allowed,
        source,
    )


def test_results_combine_with_user_quantities() -> None:
    p = mesocalc.plan(
        technique="classic", zone="face", area=40 * UREG.cm**2, spacing="7.5 mm",
        volume_per_point="0.02 mL",
    )  # fmt: skip
    assert (p.total_volume + 1 * UREG.mL).to("mL").magnitude == pytest.approx(2.44)


def test_plans_are_immutable_and_serialise() -> None:
    p = mesocalc.plan(technique="nappage", zone="face", area="10 cm^2")
    with pytest.raises(AttributeError):
        p.points = 3  # type: ignore[misc]
    data = json.loads(json.dumps(p.to_dict()))
    assert data["points"] == p.points
    assert data["total_volume"]["unit"] == "mL"
    # UCUM, in the unit the table shows (issue 11): one unit per quantity in every output.
    assert data["area"] == {"value": 10.0, "unit": "cm2"}
    assert "10 cm²" in p.table()
    assert mesocalc.Plan.from_dict(data) == p


def test_the_json_gives_the_dose_per_area_and_checks_it() -> None:
    p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
    data = p.to_dict()
    assert data["dose_per_area"] == {"value": pytest.approx(0.01), "unit": "mL/cm2"}
    with pytest.raises(mesocalc.InvalidValueError, match="^dose_per_area: "):
        mesocalc.Plan.from_dict({**data, "dose_per_area": {"value": 0.02, "unit": "mL/cm2"}})


def test_a_version_1_plan_with_its_area_in_mm2_reads_back() -> None:
    p = mesocalc.plan(technique="nappage", zone="face", area="10 cm^2")
    data = {**p.to_dict(), "schema_version": 1, "area": {"value": 1000.0, "unit": "mm2"}}
    assert mesocalc.Plan.from_dict(data) == p
    with pytest.raises(mesocalc.InvalidValueError, match="^area: "):
        mesocalc.Plan.from_dict({**data, "schema_version": 2})


def test_repr_and_table_are_readable() -> None:
    p = mesocalc.plan(
        technique="classic", zone="face", area="40 cm^2", spacing="7.5 mm",
        volume_per_point="0.02 mL",
    )  # fmt: skip
    assert repr(p).startswith("<Plan classic on face, 40 cm²: 72 points at 7.5 mm")
    table = p.table()
    assert "points            72" in table
    assert "total_volume      1.44 mL" in table
    assert "| points | 72 |" in p._repr_markdown_()
