"""What each refusal and warning carries, field by field: the survivors of mutation testing.

Most mutants the suite let live changed only an error's ``value``, ``expected``, ``detail``,
``allowed`` or ``source``, or a warning's text; these tests pin them.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

import mesocalc
from mesocalc import WarningCode
from tests.test_depth_catalog import MINIMAL

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


def test_an_array_may_depart_from_an_about_value() -> None:
    """A departure from an 'about' value passes, over arrays as for one value."""
    plans = mesocalc.plan(
        technique="papular", zone="face", area=["4 cm^2", "5 cm^2"], spacing=["12 mm", "9 mm"]
    )
    assert plans.spacing.to("mm").magnitude.tolist() == [12.0, 9.0]


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


def test_an_array_within_an_about_value_does_not_warn() -> None:
    spec = mesocalc.spec("papular", "face")
    inside = spec.spacing.low.to("mm").magnitude
    plans = mesocalc.plan(
        technique="papular", zone="face", area=["4 cm^2", "5 cm^2"], spacing=f"{inside} mm"
    )
    codes = {r.code for r in plans.warning_records}
    assert WarningCode.ABOUT_VALUE_DEPARTED not in codes
