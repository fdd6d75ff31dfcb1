"""Soft and hard limits, overrides, needles and syringes (issue 4)."""

from __future__ import annotations

import math
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mesocalc
from mesocalc._catalog.catalog import default_catalog, parse_catalog
from mesocalc._catalog.entries import Layer, Spec
from tests import strategies

CATALOG = default_catalog()
_PARAMS = ("spacing", "volume_per_point", "depth", "angle", "loss_fraction")
_NEEDLE = ("needle_length", "needle_gauge")


def _mag(q: Any) -> float:
    return float(q.magnitude) if hasattr(q, "magnitude") else float(q)


def _session_violations(p: mesocalc.Plan, entry: Spec) -> list[str]:
    """A hard cap broken, or an analogue (soft) cap broken without the plan saying so."""
    cap = entry.session
    if cap is None:
        return []
    said = [w for w in p.warnings if "beyond the session cap" in w and not cap.hard]
    broken = []
    if cap.max_points is not None and p.points > cap.max_points:
        broken += [] if any(w.startswith("points ") for w in said) else ["session points"]
    vmax = cap.max_volume_magnitude
    if vmax is not None and _mag(p.total_volume) > vmax * (1 + 1e-9):
        broken += [] if any(w.startswith("total_volume ") for w in said) else ["session volume"]
    return broken


def _hard_violations(p: mesocalc.Plan) -> list[str]:
    """Every hard limit the plan breaks, re-derived from the catalog data (an oracle)."""
    entry = CATALOG.spec(p.technique, p.zone)
    depth, angle = _mag(p.depth), _mag(p.angle)
    broken = []
    if not depth > 0:
        broken.append("depth domain")
    if not 0 < angle <= 90:
        broken.append("angle domain")
    if not 0 <= p.loss_fraction < 1:
        broken.append("loss domain")
    for name, r in entry.ranges().items():
        value = _plan_value(p, name)
        if r.hard and value is not None and not r.contains(value):
            broken.append(f"hard range {name}")
    skin = CATALOG.thickness(p.zone).skin
    if skin is None and entry.layer is Layer.SKIN:  # no figure there: the thickest of any zone
        skin = max(
            (t.skin for t in CATALOG.skin.values() if t.skin is not None),
            key=lambda r: r.high_magnitude,
        )
    if skin is not None and entry.layer is Layer.SKIN and depth > skin.high_magnitude + 1e-9:
        broken.append("left the skin")
    if skin is not None and entry.layer is Layer.SUBCUTIS and depth <= skin.low_magnitude:
        broken.append("stayed in the skin")
    broken += _session_violations(p, entry)
    if p.needle is not None:
        inserted = depth / math.sin(math.radians(angle))
        if p.needle.length_mm < inserted * (1 - 1e-9):
            broken.append("needle too short")
    return broken


def _plan_value(p: mesocalc.Plan, name: str) -> float | None:
    if name in _NEEDLE:
        assert p.needle is not None
        return p.needle.length_mm if name == "needle_length" else float(p.needle.gauge)
    if name == "thread_length":
        return None if p.thread_length is None else _mag(p.thread_length)
    return _mag(getattr(p, name))


def _departures(p: mesocalc.Plan, *, about: bool = False) -> list[str]:
    """The parameters outside their range: recorded ones, or ("about" values) warned ones."""
    entry = CATALOG.spec(p.technique, p.zone)
    out = [
        n
        for n in _PARAMS
        if getattr(entry, n).about is about and not getattr(entry, n).contains(_plan_value(p, n))
    ]
    if p.needle is not None and not about and entry.needle is not None:
        if not entry.needle.contains(p.needle.length_mm):
            out.append("needle_length")
        if entry.needle_gauge is not None and not entry.needle_gauge.contains(p.needle.gauge):
            out.append("needle_gauge")
    return out


def _allowed(entry: Spec, name: str) -> str:
    """The recommended range of ``name`` in the catalog's words, as a record names it."""
    if name == "needle_length":
        assert entry.needle is not None
        return entry.needle.describe()
    if name == "needle_gauge":
        assert entry.needle_gauge is not None
        low, high = entry.needle_gauge.low, entry.needle_gauge.high
        return f"{low} G" if low == high else f"{low} to {high} G"  # as a Range says it
    return str(getattr(entry, name).describe())


def _check_refusal(exc: mesocalc.MesocalcError, kwargs: dict[str, Any]) -> None:
    if isinstance(exc, mesocalc.SoftLimitError):
        assert kwargs.get("override") is None
    elif isinstance(exc, mesocalc.HardLimitError):
        assert exc.allowed
        assert exc.source
    else:
        # Spacing and volume of 0 or less are no plan at all (not a clinical limit).
        assert isinstance(exc, mesocalc.InvalidValueError)
        assert exc.parameter in {"spacing", "volume_per_point"}


# --- properties -------------------------------------------------------------------------------


@given(strategies.any_requests())
def test_no_returned_plan_breaks_a_hard_limit_and_every_departure_is_recorded(
    kwargs: dict[str, Any],
) -> None:
    try:
        p = mesocalc.plan(**kwargs)
    except mesocalc.MesocalcError as exc:
        _check_refusal(exc, kwargs)
        return
    assert _hard_violations(p) == []
    recorded = {r.parameter: r for r in p.overrides}
    assert set(recorded) == set(_departures(p))
    for name in _departures(p, about=True):
        assert any(w.startswith(f"{name} ") and "'about'" in w for w in p.warnings)
    for name, record in recorded.items():
        assert record.reason.strip()
        assert _mag(record.value) == pytest.approx(_plan_value(p, name))
        assert record.allowed == _allowed(CATALOG.spec(p.technique, p.zone), name)
    if kwargs.get("override") is None:
        assert p.overrides == ()


@given(strategies.plan_requests())
def test_in_range_requests_never_need_an_override(kwargs: dict[str, Any]) -> None:
    try:
        p = mesocalc.plan(**kwargs)
    except mesocalc.HardLimitError as exc:
        refused = exc.parameter
    else:
        assert p.overrides == ()
        return
    # Only limits that depend on more than one range: the layer and the session cap.
    assert refused in {"depth", "points", "total_volume"}


@given(strategies.any_requests())
def test_plans_with_overrides_and_equipment_round_trip(kwargs: dict[str, Any]) -> None:
    try:
        p = mesocalc.plan(**kwargs)
    except (mesocalc.LimitError, mesocalc.InvalidValueError):
        return
    again = mesocalc.Plan.from_dict(p.to_dict())
    # The fields of this issue round-trip exactly (area in cm² may not: a foundation matter).
    for name in ("overrides", "needle", "syringe", "syringes", "insertion_length",
                 "draw_up_volume", "warnings"):  # fmt: skip
        assert getattr(again, name) == getattr(p, name)


@given(strategies.entries(), strategies.overrides())
def test_a_hard_limit_passes_with_no_override(entry: Spec, override: mesocalc.Override) -> None:
    with pytest.raises(mesocalc.HardLimitError):
        mesocalc.plan(
            technique=entry.technique, zone=entry.zone, area="1 cm^2",
            override=override, **{**strategies.required(entry), "angle": "0 deg"},
        )  # fmt: skip


@given(strategies.needles(), strategies.entries())
def test_insertion_length_is_depth_over_sine_and_short_needles_are_refused(
    needle: mesocalc.Needle, entry: Spec
) -> None:
    kwargs: dict[str, Any] = {"technique": entry.technique, "zone": entry.zone, "area": "1 cm^2"}
    kwargs.update(strategies.required(entry))
    plain = mesocalc.plan(**kwargs)
    inserted = _mag(plain.depth) / math.sin(math.radians(_mag(plain.angle)))
    assert _mag(plain.insertion_length) == pytest.approx(inserted)
    lengths, gauges = entry.needle, entry.needle_gauge
    named = (lengths is None or bool(lengths.contains(needle.length_mm))) and (
        gauges is None or gauges.contains(needle.gauge)
    )
    if needle.length_mm < inserted * (1 - 1e-9):
        with pytest.raises(mesocalc.HardLimitError, match="MICHEELS16"):
            mesocalc.plan(**kwargs, needle=needle)
    elif not named:  # a needle the sources do not name for the technique: a soft limit
        with pytest.raises(mesocalc.SoftLimitError) as info:
            mesocalc.plan(**kwargs, needle=needle)
        assert info.value.parameter == "needle"
        why = mesocalc.Override(reason="the needle in stock")
        recorded = mesocalc.plan(**kwargs, needle=needle, override=why)
        assert recorded.needle == needle
        assert {r.parameter for r in recorded.overrides} & {"needle_length", "needle_gauge"}
    else:
        assert mesocalc.plan(**kwargs, needle=needle).needle == needle


@given(strategies.syringes(), st.floats(min_value=1.0, max_value=2e4))
def test_draw_up_is_total_plus_one_dead_space_per_syringe(
    syringe: mesocalc.Syringe, area: float
) -> None:
    p = mesocalc.plan(technique="classic", zone="face", area=f"{area!r} mm^2", syringe=syringe)
    total = _mag(p.total_volume)
    assert p.syringes is not None
    assert (
        (p.syringes - 1) * syringe.capacity_ml
        < total
        <= p.syringes * syringe.capacity_ml * (1 + 1e-9)
    )
    expected = total + p.syringes * syringe.dead_space_ml
    assert _mag(p.draw_up_volume) == pytest.approx(expected)


def _entry_key(entry: Spec) -> tuple[str, str]:
    return entry.technique.value, entry.zone.value


def _entry_id(entry: Spec) -> str:
    return f"{entry.technique.value}-{entry.zone.value}"


ENTRIES: list[Spec] = sorted(CATALOG.entries.values(), key=_entry_key)


# --- the catalog against its own hard limits --------------------------------------------------


@pytest.mark.parametrize("entry", ENTRIES, ids=_entry_id)
def test_every_catalog_nominal_passes_every_hard_limit(entry: Spec) -> None:
    p = mesocalc.plan(
        technique=entry.technique, zone=entry.zone, area="1 cm^2", **strategies.required(entry)
    )
    assert _hard_violations(p) == []
    assert p.overrides == ()


def test_zone_skin_thickness_comes_with_sources() -> None:
    face = CATALOG.thickness("face")
    assert face.skin is not None
    assert (face.skin.low_magnitude, face.skin.high_magnitude) == (1.0, 2.53)
    assert face.skin.sources == ("IYENGAR18", "US50")
    assert face.epidermis is not None
    assert face.epidermis.high_magnitude == pytest.approx(0.0626)
    assert CATALOG.thickness("scalp").skin is None


# --- examples ---------------------------------------------------------------------------------


def test_a_soft_departure_is_refused_then_recorded_with_its_reason() -> None:
    kwargs: dict[str, Any] = {
        "technique": "classic", "zone": "face", "area": "40 cm^2", "depth": "2.2 mm"
    }  # fmt: skip
    with pytest.raises(mesocalc.SoftLimitError) as info:
        mesocalc.plan(**kwargs)
    assert (info.value.parameter, info.value.allowed, info.value.source) == (
        "depth",
        "1 to 2 mm",
        "SEED3",
    )
    override = mesocalc.Override(reason="thick skin on ultrasound", by="Dr Rossi")
    p = mesocalc.plan(**kwargs, override=override)
    (record,) = p.overrides
    assert (record.parameter, record.allowed, record.reason, record.by) == (
        "depth",
        "1 to 2 mm",
        "thick skin on ultrasound",
        "Dr Rossi",
    )
    assert _mag(record.value) == 2.2
    assert p.to_dict()["overrides"][0]["reason"] == "thick skin on ultrasound"
    assert any("overridden by Dr Rossi" in w for w in p.warnings)


@pytest.mark.parametrize("zone", ["eyelid", "neck", "decollete"])
def test_classic_deeper_than_1_mm_on_thin_zones_is_hard(zone: str) -> None:
    with pytest.raises(mesocalc.HardLimitError, match="SEED3"):
        mesocalc.plan(
            technique="classic", zone=zone, area="4 cm^2", depth="1.2 mm",
            override=mesocalc.Override(reason="I insist"),
        )  # fmt: skip


@pytest.mark.parametrize(
    ("parameter", "value"),
    [("depth", "0 mm"), ("depth", "-1 mm"), ("angle", "0 deg"), ("angle", "91 deg"),
     ("loss_fraction", 1.0), ("loss_fraction", -0.1)],
)  # fmt: skip
def test_values_outside_their_domain_are_hard(parameter: str, value: Any) -> None:
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.plan(
            technique="classic", zone="face", area="4 cm^2",
            override=mesocalc.Override(reason="x"), **{parameter: value},
        )  # fmt: skip
    assert info.value.parameter == parameter


def test_depth_leaving_the_skin_is_hard_and_names_its_sources() -> None:
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.plan(
            technique="classic", zone="face", area="4 cm^2", depth="2.6 mm",
            override=mesocalc.Override(reason="x"),
        )  # fmt: skip
    assert info.value.allowed == "at most 2.53 mm"
    assert "US50" in info.value.source
    # Up to the thickest published skin an override passes.
    ok = mesocalc.plan(
        technique="classic", zone="face", area="4 cm^2", depth="2.53 mm",
        override=mesocalc.Override(reason="x"),
    )  # fmt: skip
    assert [r.parameter for r in ok.overrides] == ["depth"]


def test_subcutaneous_technique_within_the_skin_is_hard() -> None:
    with pytest.raises(mesocalc.HardLimitError, match="more than 1 mm"):
        mesocalc.plan(
            technique="infiltration", zone="face", area="4 cm^2", depth="0.8 mm",
            spacing="1 cm", override=mesocalc.Override(reason="x"),
        )  # fmt: skip


def test_the_kybella_session_cap_applies_to_submental_infiltration() -> None:
    assert mesocalc.plan(technique="infiltration", zone="submental", area="50 cm^2").points == 50
    # The label's cap is the nearest analogue for other products: a soft limit.
    with pytest.raises(mesocalc.SoftLimitError) as info:
        mesocalc.plan(technique="infiltration", zone="submental", area="51 cm^2")
    assert (info.value.parameter, info.value.source) == ("points", "KYB")
    with pytest.raises(mesocalc.SoftLimitError) as info:
        mesocalc.plan(
            technique="infiltration", zone="submental", area="40 cm^2",
            volume_per_point="0.3 mL",
        )  # fmt: skip
    assert info.value.parameter == "volume_per_point"  # the range departure comes first
    p = mesocalc.plan(
        technique="infiltration", zone="submental", area="40 cm^2",
        volume_per_point="0.3 mL", override=mesocalc.Override(reason="another product", by="Dr B"),
    )  # fmt: skip
    assert any(w.startswith("total_volume 12 mL is beyond the session cap") for w in p.warnings)
    assert any("overridden by Dr B: another product" in w for w in p.warnings)


def test_technique_not_used_in_a_zone_is_hard_even_with_an_override() -> None:
    with pytest.raises(mesocalc.HardLimitError):
        mesocalc.plan(
            technique="infiltration", zone="eyelid", area="2 cm^2",
            override=mesocalc.Override(reason="x"),
        )  # fmt: skip


def test_hard_violations_are_reported_before_soft_departures() -> None:
    with pytest.raises(mesocalc.HardLimitError):
        mesocalc.plan(technique="classic", zone="face", area="4 cm^2", spacing="3 mm",
                      angle="95 deg")  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "error", "parameter"),
    [
        ({"reason": ""}, mesocalc.InvalidValueError, "reason"),
        ({"reason": " \t"}, mesocalc.InvalidValueError, "reason"),
        ({"reason": 3}, mesocalc.InputTypeError, "reason"),
        ({"reason": "ok", "by": " "}, mesocalc.InvalidValueError, "by"),
    ],
)
def test_blank_overrides_are_errors(
    kwargs: dict[str, Any], error: type[Exception], parameter: str
) -> None:
    with pytest.raises(error) as info:
        mesocalc.Override(**kwargs)
    assert info.value.parameter == parameter  # type: ignore[attr-defined]


def test_override_must_be_an_override() -> None:
    with pytest.raises(mesocalc.InputTypeError, match="override"):
        mesocalc.plan(technique="classic", zone="face", area="4 cm^2", override="because")  # type: ignore[call-overload]


def test_needle_and_syringe_hand_computed() -> None:
    p = mesocalc.plan(
        technique="classic", zone="face", area="40 cm^2", spacing="7.5 mm",
        volume_per_point="0.02 mL",
        needle=mesocalc.Needle(gauge=30, length="4 mm"), syringe=mesocalc.Syringe.conventional(),
    )  # fmt: skip
    # 1.5 mm at 52.5 degrees: 1.5 / sin(52.5°) = 1.8907 mm of shaft.
    assert _mag(p.insertion_length) == pytest.approx(1.8907, abs=1e-4)
    # 72 points x 0.02 mL = 1.44 mL: two 1 mL syringes, each keeping 84 µL (LDSS-WIKI).
    assert p.syringes == 2
    assert _mag(p.draw_up_volume) == pytest.approx(1.44 + 2 * 0.084)
    micro = mesocalc.Needle(gauge=30, length="1 mm")  # microtherapy needle (seed 000)
    with pytest.raises(mesocalc.HardLimitError, match=r"at least 1\.89 mm"):
        mesocalc.plan(technique="classic", zone="face", area="40 cm^2", needle=micro)


def test_retrograde_threads_need_a_13_mm_needle() -> None:
    request: dict[str, Any] = {"technique": "retrograde", "zone": "face", "area": "10 cm^2"}
    request["volume_per_point"] = "0.1 mL"  # no source gives a default per thread
    p = mesocalc.plan(**request)
    assert 12 < _mag(p.insertion_length) < 13
    mesocalc.plan(**request, needle=mesocalc.Needle(gauge=30, length="13 mm"))
    with pytest.raises(mesocalc.HardLimitError):
        mesocalc.plan(**request, needle=mesocalc.Needle(gauge=30, length="6 mm"))


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"gauge": 30, "length": 4}, mesocalc.UnitError),
        ({"gauge": 30.0, "length": "4 mm"}, mesocalc.InputTypeError),
        ({"gauge": True, "length": "4 mm"}, mesocalc.InputTypeError),
        ({"gauge": 40, "length": "4 mm"}, mesocalc.InvalidValueError),
        ({"gauge": 30, "length": "-4 mm"}, mesocalc.InvalidValueError),
        ({"gauge": "30 mm", "length": "4 mm"}, mesocalc.InputTypeError),
        ({"gauge": "30.5G", "length": "4 mm"}, mesocalc.InputTypeError),
        ({"gauge": "G30", "length": "4 mm"}, mesocalc.InputTypeError),
        ({"gauge": "40G", "length": "4 mm"}, mesocalc.InvalidValueError),
    ],
)
def test_bad_needles(kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        mesocalc.Needle(**kwargs)


@pytest.mark.parametrize("gauge", ["30G", "30 G", "30g", " 30G ", "30"])
def test_a_gauge_may_be_written_as_on_the_box(gauge: str) -> None:
    assert mesocalc.Needle(gauge=gauge, length="4 mm") == mesocalc.Needle(gauge=30, length="4 mm")


def test_syringe_presets_and_errors() -> None:
    assert mesocalc.Syringe.low_dead_space().dead_space_ml == pytest.approx(0.002)
    assert mesocalc.Syringe.conventional("10 mL").dead_space_ml == pytest.approx(0.1)
    assert mesocalc.Syringe.conventional().source == "LDSS-WIKI"
    with pytest.raises(mesocalc.InvalidValueError, match="1 mL, 5 mL, 10 mL"):
        mesocalc.Syringe.conventional("3 mL")
    with pytest.raises(mesocalc.InvalidValueError):
        mesocalc.Syringe(capacity="1 mL", dead_space="-1 uL")
    with pytest.raises(mesocalc.UnitError):
        mesocalc.Syringe(capacity=1, dead_space="1 uL")
    s = mesocalc.Syringe.conventional("5 mL")
    assert mesocalc.Syringe.from_dict(s.to_dict()) == s


def test_limit_errors_pickle_with_their_fields() -> None:
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.plan(technique="classic", zone="eyelid", area="4 cm^2", depth="2 mm")
    again = pickle.loads(pickle.dumps(info.value))
    assert (again.allowed, again.source, str(again)) == (
        info.value.allowed,
        info.value.source,
        str(info.value),
    )


# --- the loader's new keys ----------------------------------------------------------------------

_BASE = """
format = 1
[sources]
S = { citation = "x" }
[techniques.classic]
depth = { low = 1, high = 2, unit = "mm", source = ["S"] }
spacing = { low = 5, high = 10, unit = "mm", source = ["S"] }
volume_per_point = { low = 0.01, high = 0.03, unit = "mL", source = ["S"] }
angle = { low = 45, high = 60, unit = "deg", source = ["S"] }
loss_fraction = { low = 0, high = 0.5, source = ["S"] }
"""


_USE = '\n[zones.face]\ntechniques.classic = { source = ["S"] }'


@pytest.mark.parametrize(
    "extra",
    [
        '[techniques.classic.layer]\nname = "dermis"\nsource = ["S"]\nnote = "x"' + _USE,
        '[techniques.classic.layer]\nname = "skin"\nsource = []\nnote = "x"' + _USE,
        '[techniques.classic.layer]\nname = "skin"\nsource = ["S"]' + _USE,
        _USE[:-2] + ', session = { points = 0, source = ["S"] } }',
        _USE[:-2] + ', session = { source = ["S"] } }',
        _USE[:-2] + ', session = { volume = 1, unit = "mm", source = ["S"] } }',
        _USE[:-2] + ', depth = { high = 1, unit = "mm", source = [], basis = "unsourced",'
        ' note = "x", hard = true } }',
        '[zones.face]\nskin = { high = 2, unit = "mL", source = ["S"] }' + _USE[13:],
    ],
)  # fmt: skip
def test_catalog_guardrail_keys_are_validated(extra: str) -> None:
    with pytest.raises(mesocalc.CatalogError):
        parse_catalog(_BASE + extra)


def test_a_clinic_catalog_without_thickness_plans_with_a_warning() -> None:
    text = _BASE.replace(
        "[techniques.classic]\n",
        '[techniques.classic]\nlayer = { name = "skin", source = ["S"], note = "x" }\n',
    )
    catalog = parse_catalog(text + '[zones.face]\ntechniques.classic = { source = ["S"] }')
    p = mesocalc.plan(technique="classic", zone="face", area="4 cm^2", catalog=catalog)
    assert any("no published skin thickness" in w for w in p.warnings)
    assert catalog.spec("classic", "face").layer is Layer.SKIN


# --- three states of a technique on a zone; zone limits for every technique (issue 9) -----

_OVERRIDE = mesocalc.Override(reason="fine lines of the neck", by="Dr Rossi")
_GIVEN: dict[str, Any] = {"spacing": "2.5 mm", "volume_per_point": "0.005 mL", "angle": "45 deg"}


def test_an_unpublished_pair_is_planned_with_an_override_and_every_parameter() -> None:
    assert mesocalc.spec("nappage-superficial", "neck").published is False
    assert mesocalc.spec("classic", "neck").published is True
    with pytest.raises(mesocalc.SoftLimitError, match="^technique: .*override") as info:
        mesocalc.plan(technique="nappage-superficial", zone="neck", area="50 cm^2")
    assert info.value.allowed == "classic"
    for missing in ("spacing", "volume_per_point", "depth", "angle"):
        given: dict[str, Any] = {**_GIVEN, "depth": "0.8 mm"}
        given.pop(missing)
        with pytest.raises(mesocalc.InvalidValueError, match=f"^{missing}: .*no default"):
            mesocalc.plan(
                technique="nappage-superficial", zone="neck", area="50 cm^2",
                override=_OVERRIDE, **given,
            )  # fmt: skip
    p = mesocalc.plan(
        technique="nappage-superficial", zone="neck", area="50 cm^2", depth="0.8 mm",
        override=_OVERRIDE, **_GIVEN,
    )  # fmt: skip
    assert p.points == 800
    assert any(
        w.startswith("no published use of nappage-superficial on the neck") for w in p.warnings
    )


def test_the_zone_depth_limit_binds_every_technique_override_or_not() -> None:
    with pytest.raises(mesocalc.HardLimitError, match="at most 1 mm on the neck") as info:
        mesocalc.plan(
            technique="nappage-superficial", zone="neck", area="50 cm^2", depth="1.5 mm",
            override=_OVERRIDE, **_GIVEN,
        )  # fmt: skip
    assert (info.value.parameter, info.value.source) == ("depth", "SEED3")
    with pytest.raises(mesocalc.HardLimitError, match="contraindicated on the eyelid"):
        mesocalc.plan(technique="nappage", zone="eyelid", area="2 cm^2", override=_OVERRIDE)


def test_plans_over_arrays_of_an_unpublished_pair_are_refused() -> None:
    with pytest.raises(mesocalc.SoftLimitError, match="^technique: "):
        mesocalc.plan(technique="intra-epidermal", zone="eyelid", area=["1 cm^2", "2 cm^2"])


def test_the_new_zones() -> None:
    assert mesocalc.plan(technique="point-by-point", zone="back", area="100 cm^2").points == 16
    # body spacing 1.5 cm (CLINICALGATE52's narrower bound): 10 cm² / 2.25 cm² = 4.4 -> 5 points
    assert mesocalc.plan(technique="infiltration", zone="knee", area="10 cm^2").points == 5
    book = mesocalc._catalog.catalog.default_catalog()
    assert not [t for (t, z) in book.entries if z is mesocalc.Zone.FOREARM]
    assert book.thickness("forearm").skin is not None


def test_a_given_value_is_not_told_it_was_assumed() -> None:
    given = mesocalc.plan(technique="classic", zone="face", area="40 cm^2", loss_fraction=0.1)
    assert not any("is assumed" in w for w in given.warnings)
    assert any(w.startswith("loss_fraction was checked against a range") for w in given.warnings)
    default = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
    assert any("0 is assumed" in w for w in default.warnings)
