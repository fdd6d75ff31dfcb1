"""What each refusal and warning carries, field by field: the survivors of mutation testing.

Most mutants the suite let live changed only an error's ``value``, ``expected``, ``detail``,
``allowed`` or ``source``, or a warning's text; these tests pin them.
"""

from __future__ import annotations

import math
from typing import Any

import attrs
import numpy as np
import pytest

import mesocalc
from mesocalc import WarningCode
from mesocalc._quantities.parameters import (
    PARAMETERS,
    Domain,
    Parameter,
    _least,
    _length,
    _non_negative,
    _positive,
    _result,
    _volume,
)
from mesocalc._quantities.units import Dim, quantity
from tests.test_depth_catalog import LAYER, MINIMAL, USE

SEED3 = "seed 003, an iLive article reviewed 08.07.2025"
SCALP = "nappage, nappage-deep, nappage-median, nappage-superficial, papular"
GIVEN: dict[str, Any] = {
    "spacing": "5 mm",
    "volume_per_point": "0.01 mL",
    "depth": "1 mm",
    "angle": "45 deg",
}


def _fields(error: mesocalc.MesocalcError) -> tuple[Any, ...]:
    return (
        type(error),
        error.parameter,
        error.value,
        error.expected,
        error.detail,
        getattr(error, "allowed", None),
        getattr(error, "source", None),
    )


def test_a_hard_range_refusal_carries_the_value_range_and_sources() -> None:
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.plan(technique="classic", zone="eyelid", area="1 cm^2", depth="0.7 mm")
    assert _fields(info.value) == (
        mesocalc.HardLimitError,
        "depth",
        "0.7 mm",
        "at most 0.626 mm for classic on the eyelid",
        f"source: SEED3, LEEHWANG02, PERRIN08 ({SEED3}); a hard limit, no override passes it",
        "at most 0.626 mm",
        "SEED3, LEEHWANG02, PERRIN08",
    )


def test_an_array_beyond_a_hard_range_is_refused_at_its_first_such_element() -> None:
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.plan(
            technique="classic", zone="eyelid", area="1 cm^2", depth=["0.5 mm", "0.7 mm"]
        )
    assert (info.value.parameter, info.value.value, info.value.index) == ("depth", "0.7 mm", (1,))
    assert info.value.allowed == "at most 0.626 mm"
    # A Quantity array is read in one multiplication: its elements meet the range only after.
    depth = quantity(np.array([0.5, 0.7]), "millimeter")
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.plan(technique="classic", zone="eyelid", area="1 cm^2", depth=depth)
    assert (info.value.value, info.value.index) == (quantity(0.7, "millimeter"), (1,))


def test_a_depth_beyond_the_zones_cap_is_refused_for_any_technique() -> None:
    """Papular is not published on the neck: with an override it still meets the neck's cap."""
    request: dict[str, Any] = {
        "technique": "papular",
        "zone": "neck",
        "area": "4 cm^2",
        "spacing": "5 mm",
        "volume_per_point": "0.01 mL",
        "angle": "45 deg",
        "override": mesocalc.Override(reason="r"),
    }
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.plan(**request, depth="1.2 mm")
    assert _fields(info.value) == (
        mesocalc.HardLimitError,
        "depth",
        "1.2 mm",
        "at most 1 mm on the neck, for every technique there",
        f"source: SEED3 ({SEED3}); a hard limit, no override passes it",
        "at most 1 mm",
        "SEED3",
    )
    at_the_cap = f"{1.0 * (1 + 1e-9)!r} mm"  # within one part in 10^9: the cap itself
    assert mesocalc.plan(**request, depth=at_the_cap).depth.to("mm").magnitude == 1.000000001


_SUBMENTAL: dict[str, Any] = {
    "technique": "infiltration",
    "zone": "submental",
    "volume_per_point": "0.1 mL",
    "depth": "8 mm",
}


def test_a_session_cap_refusal_says_what_is_over_and_how_to_come_under() -> None:
    with pytest.raises(mesocalc.SoftLimitError) as info:
        mesocalc.plan(area="100 cm^2", **_SUBMENTAL)
    assert _fields(info.value) == (
        mesocalc.SoftLimitError,
        "points",
        100,
        "at most 50 injections per session of infiltration on the submental",
        "source: KYB; a smaller area or a wider spacing; an analogue: an override passes it",
        "at most 50 injections",
        "KYB",
    )


@pytest.mark.parametrize(("by", "who"), [("Dr A", " by Dr A"), (None, "")])
def test_an_overridden_session_cap_warns_for_each_figure_over_it(by: str | None, who: str) -> None:
    request = {**_SUBMENTAL, "volume_per_point": "0.2 mL", "area": "150 cm^2"}
    p = mesocalc.plan(**request, override=mesocalc.Override(reason="r", by=by))
    over = [w for w in p.warning_records if w.code is WarningCode.SESSION_CAP_OVERRIDDEN]
    assert [(w.text, w.parameter, w.basis, w.sources) for w in over] == [
        (
            f"points 150 is beyond the session cap, at most 50 injections (KYB), an analogue: "
            f"overridden{who}: r",
            "points",
            mesocalc.Basis.ANALOGUE,
            ("KYB",),
        ),
        (
            f"total_volume 30 mL is beyond the session cap, at most 10 mL (KYB), an analogue: "
            f"overridden{who}: r",
            "total_volume",
            mesocalc.Basis.ANALOGUE,
            ("KYB",),
        ),
    ]


def test_a_session_cap_from_another_label_says_so_before_any_override() -> None:
    request = {**_SUBMENTAL, "volume_per_point": "0.2 mL", "area": "150 cm^2"}
    p = mesocalc.plan(**request, override=mesocalc.Override(reason="r"))
    codes = [w.code for w in p.warning_records if w.code.value.startswith("session-cap")]
    assert codes == [
        WarningCode.SESSION_CAP_NOT_STATED,
        WarningCode.SESSION_CAP_OVERRIDDEN,
        WarningCode.SESSION_CAP_OVERRIDDEN,
    ]
    (label,) = [w for w in p.warning_records if w.code is WarningCode.SESSION_CAP_NOT_STATED]
    assert label.text.startswith("session cap (50 injections, 10 mL) is analogue: ")
    assert (label.basis, label.sources) == (mesocalc.Basis.ANALOGUE, ("KYB",))
    # A clinic's cap of injections alone says no volume.
    cap = 'session = { points = 50, source = ["S"], basis = "analogue", note = "n" }'
    book = mesocalc.parse_catalog(
        MINIMAL.replace(USE, f'techniques.classic = {{ source = ["S"], {cap} }}')
    )
    plan = mesocalc.plan(technique="classic", zone="face", area="1 cm^2", catalog=book)
    (only,) = [w for w in plan.warning_records if w.code is WarningCode.SESSION_CAP_NOT_STATED]
    assert only.text == "session cap (50 injections) is analogue: n"


def test_a_hard_session_cap_of_a_clinic_is_refused_by_points_or_by_volume() -> None:
    """No shipped session cap is hard: a clinic's catalog makes one."""
    cap = 'session = { points = 50, volume = 1, unit = "mL", source = ["S"] }'
    book = mesocalc.parse_catalog(
        MINIMAL.replace(USE, f'techniques.classic = {{ source = ["S"], {cap} }}')
    )
    request: dict[str, Any] = {"technique": "classic", "zone": "face", "catalog": book}
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.plan(**request, area="40 cm^2", spacing="10 mm", volume_per_point="0.03 mL")
    assert _fields(info.value) == (
        mesocalc.HardLimitError,
        "total_volume",
        "1.2 mL",
        "at most 1 mL per session of classic on the face",
        "source: S; a hard limit",
        "at most 1 mL",
        "S",
    )
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.plan(**request, area="40 cm^2", spacing="5 mm", volume_per_point="0.01 mL")
    assert (info.value.value, info.value.detail) == (
        160,
        "source: S; a smaller area or a wider spacing; a hard limit",
    )


def test_an_override_that_is_not_an_override_is_refused() -> None:
    with pytest.raises(mesocalc.InputTypeError) as info:
        mesocalc.plan(area="4 cm^2", **{**_SUBMENTAL, "override": "yes"})
    assert (info.value.parameter, info.value.value, info.value.expected) == (
        "override",
        "yes",
        "None or mesocalc.Override(reason=..., by=...)",
    )


def _layered(layer: str, low: float, high: float) -> mesocalc.Catalog:
    """MINIMAL with the technique's layer and a skin thickness on the face (source T)."""
    skin = f'skin = {{ low = {low}, high = {high}, unit = "mm", source = ["T"] }}\n'
    text = MINIMAL.replace(LAYER, layer).replace("[zones.face]\n", "[zones.face]\n" + skin)
    return mesocalc.parse_catalog(
        text.replace("[sources]\n", '[sources]\nT = { citation = "t" }\n')
    )


def test_a_depth_leaving_the_skin_layer_is_refused_up_to_one_part_in_a_billion() -> None:
    request: dict[str, Any] = {"technique": "classic", "zone": "face", "area": "1 cm^2"}
    request["catalog"] = _layered(LAYER, 1.2, 1.5)
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.plan(**request, depth="1.8 mm")
    assert _fields(info.value) == (
        mesocalc.HardLimitError,
        "depth",
        "1.8 mm",
        "at most 1.5 mm for classic on the face, the thickest published skin there",
        "source: S, T; deeper leaves the skin classic is defined in; a hard limit, "
        "no override passes it",
        "at most 1.5 mm",
        "S, T",
    )
    edge = f"{1.5 * (1 + 1e-9)!r} mm"
    assert mesocalc.plan(**request, depth=edge).depth.to("mm").magnitude == 1.5 * (1 + 1e-9)


def test_a_depth_staying_in_the_skin_is_refused_for_a_subcutis_technique() -> None:
    subcutis = 'layer = { name = "subcutis", source = ["S"], note = "n" }'
    request: dict[str, Any] = {"technique": "classic", "zone": "face", "area": "1 cm^2"}
    request["catalog"] = _layered(subcutis, 1.2, 1.5)
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.plan(**request, depth="1.1 mm")
    assert _fields(info.value) == (
        mesocalc.HardLimitError,
        "depth",
        "1.1 mm",
        "more than 1.2 mm for classic on the face, below the thinnest published skin there",
        "source: S, T; shallower stays in the skin, not the subcutis classic is defined in; "
        "a hard limit, no override passes it",
        "more than 1.2 mm",
        "S, T",
    )
    with pytest.raises(mesocalc.HardLimitError):  # within one part in 10^9: the skin itself
        mesocalc.plan(**request, depth=f"{1.2 * (1 + 1e-9)!r} mm")
    assert mesocalc.plan(**request, depth="1.3 mm").depth.to("mm").magnitude == 1.3


def test_over_arrays_the_cap_and_the_layer_name_the_first_element_they_refuse() -> None:
    """A shared depth fails at the first area; an array of depths at its own first offender."""
    cap = 'depth_cap = { high = 1.5, unit = "mm", source = ["S"] }\n'
    capped = mesocalc.parse_catalog(MINIMAL.replace("[zones.face]\n", "[zones.face]\n" + cap))
    request: dict[str, Any] = {"technique": "classic", "zone": "face"}
    request["area"] = ["1 cm^2", "2 cm^2"]
    for depth, index in ((["1 mm", "1.8 mm"], (1,)), ("1.8 mm", (0,))):
        with pytest.raises(mesocalc.HardLimitError) as info:
            mesocalc.plan(**request, depth=depth, catalog=capped)
        assert (info.value.value, info.value.index) == ("1.8 mm", index)
        assert info.value.expected == "at most 1.5 mm on the face, for every technique there"
    subcutis = 'layer = { name = "subcutis", source = ["S"], note = "n" }'
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.plan(**request, depth="1.1 mm", catalog=_layered(subcutis, 1.2, 1.5))
    assert (info.value.value, info.value.index) == ("1.1 mm", (0,))


def test_a_depth_no_layer_bounds_or_no_skin_checks_is_said_in_a_warning() -> None:
    anywhere = 'layer = { name = "any", source = ["S"], note = "any depth" }'
    request: dict[str, Any] = {"technique": "classic", "zone": "face", "area": "1 cm^2"}
    book = mesocalc.parse_catalog(MINIMAL.replace(LAYER, anywhere))
    (unbounded,) = mesocalc.plan(**request, catalog=book).warning_records
    assert (unbounded.code, unbounded.text, unbounded.parameter, unbounded.sources) == (
        WarningCode.LAYER_UNBOUNDED,
        "depth is not bounded by a skin layer for classic: any depth",
        "depth",
        ("S",),
    )
    (unchecked,) = mesocalc.plan(
        **request, catalog=mesocalc.parse_catalog(MINIMAL)
    ).warning_records
    assert (unchecked.code, unchecked.parameter) == (WarningCode.LAYER_UNCHECKED, "depth")


@pytest.mark.parametrize("given", [("depth",), ("angle",), ("depth", "angle"), ()])
def test_a_given_value_is_said_checked_and_a_default_is_said_analogue(
    given: tuple[str, ...],
) -> None:
    """The warnings of a pair are cached by which values were given: each set has its own."""
    values = {"depth": "8 mm", "angle": "90 deg"}
    request: dict[str, Any] = {name: values[name] for name in given}
    p = mesocalc.plan(technique="infiltration", zone="submental", area="4 cm^2", **request)
    for name in ("depth", "angle"):
        checked = any(w.startswith(f"{name} was checked against a range") for w in p.warnings)
        assert checked is (name in given), name


def test_retrograde_threads_need_a_square_lattice() -> None:
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.plan(
            technique="retrograde",
            zone="face",
            area="4 cm^2",
            lattice="hex",
            volume_per_point="0.3 mL",
        )
    assert (info.value.parameter, info.value.value, info.value.expected) == (
        "lattice",
        "hex",
        "'square' for retrograde threads (parallel rows)",
    )


def test_a_needle_shorter_than_the_insertion_is_refused_with_what_it_needs() -> None:
    request: dict[str, Any] = {
        "technique": "infiltration",
        "zone": "submental",
        "area": "4 cm^2",
        "volume_per_point": "0.1 mL",
        "depth": "8 mm",
    }
    needle = mesocalc.Needle(gauge=30, length="6 mm")
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.plan(**request, needle=needle)
    assert _fields(info.value) == (
        mesocalc.HardLimitError,
        "needle",
        needle,
        "a needle at least 8 mm long",
        "8 mm at 90 deg inserts 8 mm of shaft (depth / sin(angle), source: MICHEELS16)",
        "at least 8 mm",
        "MICHEELS16",
    )
    # Within one part in 10^9 of the insertion, a needle reaches (float error is not a gap).
    reaching = mesocalc.Needle(gauge=30, length=f"{8.0 * (1 - 1e-9)!r} mm")
    assert mesocalc.plan(**request, needle=reaching).needle == reaching


def test_a_value_no_source_gives_is_asked_for_with_its_range() -> None:
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.plan(technique="retrograde", zone="face", area="4 cm^2")
    assert (info.value.parameter, info.value.value, info.value.expected) == (
        "volume_per_point",
        None,
        "a volume_per_point given by the caller, within at most 0.3 mL",
    )
    assert info.value.detail.startswith(
        "no source gives a realistic default for retrograde on the face: Volume per thread"
    )


def test_a_soft_range_refusal_carries_the_value_range_and_sources() -> None:
    with pytest.raises(mesocalc.SoftLimitError) as info:
        mesocalc.plan(technique="classic", zone="face", area="1 cm^2", angle="30 deg")
    assert _fields(info.value) == (
        mesocalc.SoftLimitError,
        "angle",
        "30 deg",
        "45 to 60 deg for classic on the face",
        f"source: SEED3 ({SEED3})",
        "45 to 60 deg",
        "SEED3",
    )


def test_an_unpublished_use_is_refused_with_the_published_ones() -> None:
    with pytest.raises(mesocalc.SoftLimitError) as info:
        mesocalc.plan(technique="classic", zone="scalp", area="1 cm^2")
    assert _fields(info.value) == (
        mesocalc.SoftLimitError,
        "technique",
        "classic",
        f"a technique with a published use on the scalp: {SCALP}",
        "no published use of classic on the scalp; to plan it anyway, pass "
        "override=Override(reason=...) and give spacing, volume_per_point, depth, angle",
        SCALP,
        "no source",
    )


@pytest.mark.parametrize("missing", list(GIVEN))
def test_an_unpublished_use_needs_each_parameter(missing: str) -> None:
    given = {k: v for k, v in GIVEN.items() if k != missing}
    override = mesocalc.Override(reason="trial")
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.plan(technique="classic", zone="scalp", area="1 cm^2", override=override, **given)
    assert (info.value.parameter, info.value.value, info.value.expected) == (
        missing,
        None,
        f"a {missing} given by the caller: no source publishes classic on the scalp, "
        "so there is no default",
    )


def test_an_unpublished_use_with_an_override_says_who_and_why() -> None:
    override = mesocalc.Override(reason="trial", by="Dr A")
    plan = mesocalc.plan(
        technique="classic", zone="scalp", area="1 cm^2", override=override, **GIVEN
    )
    (last,) = [w for w in plan.warning_records if w.code is WarningCode.UNPUBLISHED_USE]
    assert (last.text, last.parameter) == (
        "no published use of classic on the scalp: planned on classic's own ranges, "
        "overridden by Dr A: trial",
        "technique",
    )
    anonymous = mesocalc.plan(
        technique="classic",
        zone="scalp",
        area="1 cm^2",
        override=mesocalc.Override(reason="trial"),
        **GIVEN,
    )
    assert "overridden: trial" in anonymous.warnings[-1]


def test_a_departure_from_an_about_value_warns_with_its_figures() -> None:
    plan = mesocalc.plan(
        technique="intra-epidermal",
        zone="face",
        area="1 cm^2",
        volume_per_point="0.005 mL",
        depth="0.05 mm",
        angle="20 deg",
    )
    (about,) = [w for w in plan.warning_records if w.code is WarningCode.ABOUT_VALUE_DEPARTED]
    assert (about.parameter, about.sources, about.basis) == (
        "angle",
        ("BEAUTEP",),
        mesocalc.Basis.STATED,
    )
    assert about.text == (
        "angle 20 deg departs from about 15 deg (BEAUTEP), a value the source gives only as 'about'"
    )


def test_a_derived_volume_beyond_its_range_says_what_the_request_needs() -> None:
    with pytest.raises(mesocalc.SoftLimitError) as info:
        mesocalc.plan(technique="classic", zone="eyelid", area="1 cm^2", total_volume="5 mL")
    assert _fields(info.value) == (
        mesocalc.SoftLimitError,
        "volume_per_point",
        "5 mL (5 mL over 1 points)",
        "0.01 to 0.03 mL for classic on the eyelid",
        f"source: SEED3, AMIN ({SEED3})",
        "0.01 to 0.03 mL",
        "SEED3, AMIN",
    )


def test_a_zone_without_published_uses_says_none() -> None:
    with pytest.raises(mesocalc.SoftLimitError) as info:
        mesocalc.plan(technique="classic", zone="forearm", area="1 cm^2")
    assert info.value.expected == "a technique with a published use on the forearm: none"
    assert info.value.allowed == ""


def test_a_derived_volume_out_of_the_domain_shows_what_the_request_needs() -> None:
    # A total beyond an input volume's domain (10 L) is refused as given, before any split.
    with pytest.raises(mesocalc.DomainError) as given:
        mesocalc.plan(technique="classic", zone="face", area="1 cm^2", total_volume="100 L")
    assert given.value.parameter == "total_volume"
    with pytest.raises(mesocalc.DomainError) as info:
        mesocalc.plan(
            technique="classic", zone="face", area="1000 cm^2", points=1,
            dose_per_area="100 mL/cm^2",
        )  # fmt: skip
    assert (info.value.parameter, info.value.value) == (
        "volume_per_point",
        "1e+05 mL (100 mL/cm² at 316.2 mm spacing)",
    )


def test_a_derived_volume_beyond_a_hard_range_says_what_the_request_needs() -> None:
    """No shipped range of a derived parameter is hard: a clinic's catalog makes one."""
    hard = 'volume_per_point = { low = 0.01, high = 0.03, unit = "mL", source = ["S"]'
    book = mesocalc.parse_catalog(MINIMAL.replace(hard, hard + ", hard = true"))
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.plan(
            technique="classic", zone="face", area="1 cm^2", total_volume="5 mL", catalog=book
        )
    assert _fields(info.value) == (
        mesocalc.HardLimitError,
        "volume_per_point",
        "2.5 mL (5 mL over 2 points)",
        "0.01 to 0.03 mL for classic on the face",
        "source: S; a hard limit, no override passes it",
        "0.01 to 0.03 mL",
        "S",
    )


def test_an_override_record_says_what_departed_in_its_unit_and_who_passed_it() -> None:
    base: dict[str, Any] = {"technique": "classic", "zone": "face", "area": "4 cm^2"}
    by = mesocalc.plan(**base, angle="30 deg", override=mesocalc.Override(reason="r", by="Dr A"))
    assert by.overrides[0].describe() == (
        f"angle 30 deg is outside the recommended 45 to 60 deg (SEED3 ({SEED3})): "
        "overridden by Dr A: r"
    )
    anonymous = mesocalc.plan(**base, loss_fraction=0.7, override=mesocalc.Override(reason="r"))
    assert anonymous.overrides[0].describe().startswith("loss_fraction 0.7 is outside the ")
    assert anonymous.overrides[0].describe().endswith(": overridden: r")


def test_an_override_record_names_a_planning_parameter() -> None:
    record = mesocalc.plan(
        technique="classic",
        zone="face",
        area="4 cm^2",
        angle="30 deg",
        override=mesocalc.Override(reason="r"),
    ).overrides[0]
    with pytest.raises(mesocalc.InputTypeError) as info:
        attrs.evolve(record, parameter="colour")
    assert (info.value.parameter, info.value.value, info.value.expected) == (
        "parameter",
        "colour",
        "the name of a planning parameter",
    )


def test_an_override_record_round_trips_through_its_own_schema() -> None:
    record = mesocalc.plan(
        technique="classic",
        zone="face",
        area="4 cm^2",
        angle="30 deg",
        override=mesocalc.Override(reason="r", by="Dr A"),
    ).overrides[0]
    data = record.to_dict()
    assert (data["schema"], data["parameter"], data["by"]) == (
        "mesocalc.override_record",
        "angle",
        "Dr A",
    )
    assert mesocalc.OverrideRecord.from_dict(data) == record
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.OverrideRecord.from_dict(mesocalc.Override(reason="r").to_dict())
    assert (info.value.parameter, info.value.value) == ("schema", "mesocalc.override")


def test_an_array_may_depart_from_an_about_value() -> None:
    """A departure from an 'about' value passes, over arrays as for one value."""
    plans = mesocalc.plan(
        technique="papular", zone="face", area=["4 cm^2", "5 cm^2"], spacing=["12 mm", "9 mm"]
    )
    assert plans.spacing.to("mm").magnitude.tolist() == [12.0, 9.0]


# The parameter table is built once, at import; these build its domains afresh, so that
# mutation testing reaches the builders (a mutant is switched on only after the import).
@pytest.mark.parametrize(
    ("dim", "such_as", "most", "least"),
    [
        (Dim.LENGTH, "a length such as '7 mm'", "10 m", "1e-09 mm"),
        (Dim.AREA, "an area such as '40 cm^2'", "100 m²", "1e-09 mm²"),
        (Dim.VOLUME, "a volume such as '0.02 mL'", "10 L", "1e-09 mL"),
        (Dim.DOSE, "a dose per area such as '0.2 mL/cm^2'", "100 mL/cm²", "1e-09 mL/cm²"),
        (Dim.CONCENTRATION, "a concentration such as '10 mg/mL'", "10 g/mL", "1e-09 mg/mL"),
    ],
)
def test_a_positive_domain_says_greater_than_zero_and_its_bounds(
    dim: Dim, such_as: str, most: str, least: str
) -> None:
    high = {Dim.AREA: 100e6, Dim.DOSE: 100.0}.get(dim, 10_000.0)
    assert _positive(dim) == Domain(
        0.0,
        high,
        low_open=True,
        high_open=False,
        words=f"{such_as}, greater than zero",
        too_large=f"{such_as}, at most {most}",
        floor=1e-9,
        too_small=f"{such_as}, at least {least}",
    )


def test_the_floor_of_a_fraction_has_no_unit() -> None:
    assert _least(Dim.FRACTION) == "at least 1e-09"
    assert _least(Dim.ANGLE) == "at least 1e-09 deg"


def test_a_non_negative_domain_and_a_result_domain_hold_zero() -> None:
    assert _non_negative(Dim.VOLUME, "'84 uL'") == Domain(
        0.0,
        10_000.0,
        low_open=False,
        high_open=False,
        words="a volume of 0 or more, such as '84 uL'",
        too_large="a volume such as '0.02 mL', at most 10 L",
    )
    assert _result(Dim.LENGTH, "'130 mm'") == Domain(
        0.0,
        math.inf,
        low_open=False,
        high_open=True,
        words="a length of 0 or more, such as '130 mm'",
    )


def test_lengths_and_volumes_are_kept_shown_and_written_in_mm_and_ml() -> None:
    assert _length("depth") == Parameter(
        "depth", Dim.LENGTH, _positive(Dim.LENGTH), "mm", "millimeter", 1.0, "mm"
    )
    assert _volume("capacity") == Parameter(
        "capacity", Dim.VOLUME, _positive(Dim.VOLUME), "mL", "milliliter", 1.0, "mL"
    )
    margin = _non_negative(Dim.LENGTH, "'5 mm'")
    assert _length("margin", margin).domain is margin
    assert _volume("dead_space", margin).domain is margin


def test_only_a_magnitude_between_zero_and_the_floor_is_too_small() -> None:
    depth = PARAMETERS["depth"].domain
    assert depth.too_small_for(5e-10)
    assert not depth.too_small_for(0.0)  # outside the domain: not a tiny depth, no depth
    assert not depth.too_small_for(1e-9)  # the floor itself is a depth
    assert depth.contains(1e-9)


def test_a_magnitude_is_shown_in_the_shown_unit_and_kept_when_the_units_agree() -> None:
    depths = np.array([7.0, 8.0])
    assert PARAMETERS["depth"].to_shown(depths) is depths  # no copy
    assert PARAMETERS["area"].to_shown(4000.0) == 40.0
    assert PARAMETERS["area"].show(4000.0) == "40 cm²"
    assert PARAMETERS["loss_fraction"].show(0.5) == "0.5"  # no unit, no space


def test_an_angle_giving_an_infinite_insertion_length_is_refused_by_the_arithmetic() -> None:
    """The floor of every input keeps plan() from reaching it; the arithmetic refuses it too."""
    from mesocalc._quantities import arithmetic as _core  # noqa: PLC0415 - the private arithmetic under test

    detail = "the insertion_length overflows a float: no plan has it"
    with pytest.raises(mesocalc.DomainError) as info:
        _core.insertion_length(7.0, 1e-320)
    assert _fields(info.value) == (
        mesocalc.DomainError,
        "angle",
        "1e-320 deg",
        "an angle giving a finite insertion_length",
        detail,
        "a finite insertion_length",
        "mesocalc",
    )
    with pytest.raises(mesocalc.DomainError) as info:
        _core.insertion_length(np.array([7.0, 7.0]), np.array([45.0, 1e-320]))
    assert (info.value.value, info.value.index) == ("1e-320 deg", (1,))
    with pytest.raises(mesocalc.DomainError) as info:
        _core.insertion_length(np.array(7.0), np.array(1e-320))
    assert (info.value.value, info.value.index) == ("1e-320 deg", None)
    assert info.value.detail == detail
    area = _core.finite_error("area", 1e-320, "dose_per_area")
    assert (area.value, area.expected) == ("1e-320 cm²", "an area giving a finite dose_per_area")
    depth = _core.finite_error("depth", 5.0, "x")
    assert (depth.value, depth.expected) == ("5.0", "a depth giving a finite x")


def test_an_array_departing_from_an_about_value_warns_as_one_value_does() -> None:
    request: dict[str, Any] = {"technique": "papular", "zone": "face", "spacing": "12 mm"}
    plans = mesocalc.plan(area=["4 cm^2", "5 cm^2"], **request)
    one = mesocalc.plan(area="4 cm^2", **request)
    assert plans.warnings == one.warnings
    assert plans.warning_records == one.warning_records
    assert any("about" in w for w in plans.warnings)


def test_an_array_whose_elements_depart_alike_warns_as_one_value_does() -> None:
    request: dict[str, Any] = {"technique": "papular", "zone": "face"}
    plans = mesocalc.plan(area=["4 cm^2", "5 cm^2"], spacing=["12 mm", "12 mm"], **request)
    one = mesocalc.plan(area="4 cm^2", spacing="12 mm", **request)
    assert plans.warnings == one.warnings


def test_an_array_whose_elements_depart_differently_warns_once_with_the_extremes() -> None:
    spec = mesocalc.spec("papular", "face")
    inside = spec.spacing.low.to("mm").magnitude  # "about" a value: its one point is inside
    spacings = [f"{inside} mm", "12 mm", "9 mm", "12 mm"]
    plans = mesocalc.plan(technique="papular", zone="face", area=["4 cm^2"] * 4, spacing=spacings)
    about = [r for r in plans.warning_records if r.code is WarningCode.ABOUT_VALUE_DEPARTED]
    assert len(about) == 1
    assert about[0].parameter == "spacing"
    assert about[0].text.startswith("spacing 9 mm to 12 mm (3 of 4 values) departs from ")
    assert about[0].sources == spec.spacing.sources


def test_an_array_with_one_end_inside_an_about_value_still_warns() -> None:
    spec = mesocalc.spec("papular", "face")
    inside = spec.spacing.low.to("mm").magnitude
    request: dict[str, Any] = {"technique": "papular", "zone": "face"}
    for spacings in ([f"{inside} mm", "12 mm"], ["8 mm", f"{inside} mm"]):
        plans = mesocalc.plan(area=["4 cm^2", "5 cm^2"], spacing=spacings, **request)
        outside = next(s for s in spacings if s != f"{inside} mm")
        one = mesocalc.plan(area="4 cm^2", spacing=outside, **request)
        assert plans.warnings == one.warnings


def test_an_array_within_an_about_value_does_not_warn() -> None:
    spec = mesocalc.spec("papular", "face")
    inside = spec.spacing.low.to("mm").magnitude
    plans = mesocalc.plan(
        technique="papular", zone="face", area=["4 cm^2", "5 cm^2"], spacing=f"{inside} mm"
    )
    codes = {r.code for r in plans.warning_records}
    assert WarningCode.ABOUT_VALUE_DEPARTED not in codes
