"""Every default plan looks like a published session, at a depth a named needle reaches.

A default is a value a source states for that use. These properties hold the shipped
catalog to it over every published pair: a default plan's dose per area within half to
twice the session a source publishes for that use (the pair's ``published_dose``), a
default depth inside the layer the technique targets on that zone, and reachable at the
default angle by a needle the catalog names for the technique.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mesocalc
from mesocalc._catalog.catalog import default_catalog
from mesocalc._catalog.entries import Layer, Spec

CATALOG = default_catalog()
PUBLISHED = [CATALOG.entries[key] for key in sorted(CATALOG.entries)]
COMPARED = [e for e in PUBLISHED if e.published_dose is not None]
DEFAULT_DEPTH = [e for e in PUBLISHED if e.depth.nominal_magnitude is not None]


def _areas() -> Any:
    """The area of each zone the docs show default plans over (docs/_ext/mesocalc_docs.py)."""
    path = Path(__file__).resolve().parents[1] / "docs" / "_ext" / "mesocalc_docs.py"
    spec = importlib.util.spec_from_file_location("mesocalc_docs_areas", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.AREAS


AREAS = _areas()


def _default_plan(entry: Spec, area_cm2: float) -> mesocalc.Plan | None:
    """The plan of every default over ``area_cm2``; None when a parameter has no default."""
    try:
        return mesocalc.plan(technique=entry.technique, zone=entry.zone, area=f"{area_cm2!r} cm^2")
    except mesocalc.InvalidValueError as exc:
        assert exc.value is None  # a parameter with no default, not a refusal
        return None


def test_the_published_sessions_the_defaults_answer_to() -> None:
    """Scalp by dose per area, the abdomen by RITTES03, the submental by the label, the face."""
    compared = {(e.technique.value, e.zone.value) for e in COMPARED}
    assert {
        ("classic", "face"),
        ("papular", "scalp"),
        ("nappage", "scalp"),
        ("infiltration", "abdomen"),
        ("infiltration", "submental"),
    } <= compared
    for entry in COMPARED:
        assert entry.published_dose is not None
        assert entry.published_dose.sources
        assert entry.published_dose.note or entry.published_dose.basis is mesocalc.Basis.STATED


@given(st.sampled_from(COMPARED), st.floats(min_value=0.5, max_value=1.0))
def test_a_default_plan_is_within_half_to_twice_the_published_session(
    entry: Spec, scale: float
) -> None:
    area = AREAS[entry.zone.value] * scale
    p = _default_plan(entry, area)
    if p is None:  # no default plan: the parameter must be given, which is allowed
        return
    assert entry.published_dose is not None
    dose = p.total_volume.to("mL").magnitude / area
    low = entry.published_dose.low_magnitude * 0.5
    high = entry.published_dose.high_magnitude * 2.0
    assert low * (1 - 1e-9) <= dose <= high * (1 + 1e-9), (entry.technique, entry.zone, dose)


@given(st.sampled_from(DEFAULT_DEPTH))
def test_a_default_depth_lies_in_the_technique_s_layer_and_a_named_needle_reaches_it(
    entry: Spec,
) -> None:
    depth = entry.depth.nominal_magnitude
    assert depth is not None
    figures = CATALOG.layer_thickness(entry.zone)
    skin = figures.skin
    if entry.layer is Layer.SKIN:
        assert skin is not None  # the thickest skin of any zone stands in where none is
        assert depth <= skin.high_magnitude
    elif entry.layer is Layer.SUBCUTIS:
        assert skin is not None
        assert depth > skin.low_magnitude
        if figures.subcutis is not None:
            assert depth <= skin.high_magnitude + figures.subcutis.high_magnitude
    angle = entry.angle.nominal_magnitude
    assert angle is not None
    inserted = depth / math.sin(math.radians(angle))
    assert entry.needle is not None
    assert inserted <= entry.needle.high_magnitude * (1 + 1e-9), (entry.technique, inserted)
    kwargs: dict[str, Any] = {k: v for k, v in _required(entry).items() if k != "depth"}
    gauge = 30 if entry.needle_gauge is None else entry.needle_gauge.high
    needle = mesocalc.Needle(gauge=gauge, length=f"{entry.needle.high_magnitude!r} mm")
    p = mesocalc.plan(
        technique=entry.technique, zone=entry.zone, area="10 cm^2", needle=needle, **kwargs
    )
    assert p.overrides == ()


def _required(entry: Spec) -> dict[str, str]:
    from tests import strategies  # noqa: PLC0415 - the one place the test strategies live

    return strategies.required(entry)


def test_intra_epidermal_has_no_default_depth_deeper_than_a_quarter_millimetre() -> None:
    entry = CATALOG.spec("intra-epidermal", "face")
    nominal = entry.depth.nominal_magnitude
    assert nominal is None or nominal <= 0.25


def test_infiltration_on_the_submental_stays_within_its_skin_and_fat() -> None:
    """About 2 mm of skin over about 6 mm of fat (IYENGAR18): at most about 8 mm."""
    p = mesocalc.plan(technique="infiltration", zone="submental", area="20 cm^2")
    assert 4 < p.depth.to("mm").magnitude <= 8
    assert any("0.2 mL" in w and "KYB" in w for w in p.warnings)  # the label's, said


def test_papules_never_reach_5_mm_on_the_scalp() -> None:
    with_reason = mesocalc.Override(reason="thick scalp on ultrasound")
    with pytest.raises(mesocalc.HardLimitError, match="arms") as info:
        mesocalc.plan(
            technique="papular", zone="scalp", area="24 cm^2", depth="5 mm", override=with_reason
        )
    assert info.value.parameter == "depth"
    p = mesocalc.plan(technique="papular", zone="scalp", area="24 cm^2")
    (borrowed,) = [w for w in p.warning_records if w.code is mesocalc.WarningCode.LAYER_BORROWED]
    assert borrowed.parameter == "depth"
    assert "no skin thickness is published for the scalp" in borrowed.text


def test_a_needle_the_sources_do_not_name_needs_an_override_and_is_recorded() -> None:
    base: dict[str, Any] = {"technique": "classic", "zone": "face", "area": "40 cm^2"}
    for needle, recorded in [
        (mesocalc.Needle(gauge=30, length="50 mm"), "needle_length"),
        (mesocalc.Needle(gauge=30, length="2 mm"), "needle_length"),
        (mesocalc.Needle(gauge=10, length="13 mm"), "needle_gauge"),
    ]:
        with pytest.raises(mesocalc.SoftLimitError, match=recorded.replace("_", " ")) as info:
            mesocalc.plan(**base, needle=needle)
        assert info.value.parameter == "needle"
        p = mesocalc.plan(**base, needle=needle, override=mesocalc.Override(reason="in stock"))
        assert [r.parameter for r in p.overrides] == [recorded]
        assert mesocalc.Plan.from_dict(p.to_dict()) == p


def test_a_needle_too_short_for_the_depth_stays_hard() -> None:
    """PHP's 4 mm needle at 45 degrees reaches 2.8 mm: short of point-by-point's 4 mm."""
    short = mesocalc.Needle(gauge=27, length="4 mm")
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.plan(
            technique="point-by-point",
            zone="back",
            area="100 cm^2",
            needle=short,
            override=mesocalc.Override(reason="x"),
        )
    assert info.value.parameter == "needle"
