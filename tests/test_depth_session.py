"""Sessions with a product: the label's defaults and caps at their edges."""

from __future__ import annotations

from typing import Any

import pytest

import mesocalc

KYBELLA = mesocalc.product("kybella")
SUBMENTAL: dict[str, Any] = {"technique": "infiltration", "zone": "submental"}


def test_a_product_must_be_a_product() -> None:
    plan = mesocalc.plan(technique="classic", zone="face", area="4 cm^2")
    with pytest.raises(mesocalc.InputTypeError) as info:
        mesocalc.Session(plans=[plan], product="kybella")  # type: ignore[arg-type]
    assert (info.value.parameter, info.value.value) == ("product", "kybella")


def test_the_label_gives_its_defaults_only_to_its_own_use() -> None:
    session = mesocalc.Session.from_requests(
        [
            {**SUBMENTAL, "area": "10 cm^2"},
            {"technique": "classic", "zone": "face", "area": "4 cm^2"},
        ],
        product=KYBELLA,
    )
    own, other = session.plans
    assert own.volume_per_point.to("mL").magnitude == pytest.approx(0.2)
    assert other.volume_per_point.to("mL").magnitude == pytest.approx(0.01)


def test_a_misspelt_area_is_named_by_plan_not_by_the_label() -> None:
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Session.from_requests(
            [{**SUBMENTAL, "zone": "chin", "area": "1 cm^2"}], product=KYBELLA
        )
    assert "chin" in str(info.value)


def test_a_session_beyond_the_labels_volume_but_within_its_injections_is_refused() -> None:
    over = {
        **SUBMENTAL,
        "area": "40 cm^2",
        "volume_per_point": "0.3 mL",
        "override": mesocalc.Override(reason="trial"),
    }
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.Session.from_requests([over], product=KYBELLA)
    assert (info.value.parameter, info.value.allowed, info.value.source) == (
        "total_volume",
        "at most 10 mL",
        "KYB",
    )


def test_a_product_without_a_concentration_gives_no_dose() -> None:
    plan = mesocalc.plan(technique="classic", zone="face", area="4 cm^2")
    session = mesocalc.Session(plans=[plan], product=mesocalc.Product(name="clinic mix"))
    assert session.active_dose is None
    assert session.active_dose_per_area is None
