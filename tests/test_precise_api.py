"""What a new user meets in the API: spec() with a clinic's catalog, and sessions whose tables
and reprs name the product and say a warning the areas share once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import mesocalc

CLINIC = Path(__file__).parent / "data" / "clinic-protocol.toml"
_FACE = {"technique": "classic", "zone": "face", "area": "40 cm^2"}
_NECK = {"technique": "classic", "zone": "neck", "area": "20 cm^2"}


def test_spec_takes_a_clinic_catalog_as_plan_does() -> None:
    clinic = mesocalc.load_protocol(CLINIC)
    entry = mesocalc.spec("classic", "face", catalog=clinic)
    assert entry == clinic.spec("classic", "face")
    assert entry.depth.high.to("mm").magnitude == 1.5  # the clinic's, not the shipped 2 mm
    assert mesocalc.spec("classic", "face").depth.high.to("mm").magnitude == 2.0
    planned = mesocalc.plan(**_FACE, catalog=clinic)
    assert planned.protocol == entry.protocol
    clinics = mesocalc.spec("nappage", "hands", catalog=clinic).to_dict()
    assert "CLINIC-A" in str(clinics)
    assert "CLINIC-A" not in str(mesocalc.spec("nappage", "hands").to_dict())


@pytest.mark.parametrize("catalog", ["default", 3, CLINIC, object(), {"zones": {}}])
def test_spec_refuses_a_catalog_that_is_none(catalog: Any) -> None:
    with pytest.raises(mesocalc.InputTypeError) as caught:
        mesocalc.spec("classic", "face", catalog=catalog)
    assert caught.value.parameter == "catalog"


def test_a_session_table_and_repr_name_the_product_lot_and_expiry() -> None:
    product = mesocalc.Product(name="hyaluronic acid", lot="HA-1", expires="2027-06-30")
    session = mesocalc.Session.from_requests([_FACE, _NECK], product=product, date="2026-12-01")
    table = session.table()
    for row in ("product", "hyaluronic acid"), ("lot", "HA-1"), ("expires", "2027-06-30"):
        assert any(r == row for r in session.rows())
    assert "lot                     HA-1" in table
    assert "HA-1" in session._repr_markdown_()
    assert "2027-06-30" in session._repr_html_()
    assert repr(session) == (
        "<Session of 2 areas on 2026-12-01: 60 points, total 0.6 mL, "
        "hyaluronic acid lot HA-1, expires 2027-06-30>"
    )
    bare = mesocalc.Session.from_requests([_FACE], product=mesocalc.Product(name="saline"))
    assert repr(bare).endswith(", saline>")
    assert ("lot", "HA-1") not in bare.rows()
    assert "product" not in dict(mesocalc.Session.from_requests([_FACE]).rows())


def test_a_warning_the_areas_share_is_shown_once_naming_each() -> None:
    session = mesocalc.Session.from_requests([_FACE, _NECK, _FACE])
    shared = [w for w in session.warnings if "loss_fraction" in w]
    assert len(shared) == 2  # the record keeps one per area (its own area named)
    table = session.table().splitlines()
    merged = [line for line in table if "loss_fraction" in line]
    assert merged == [
        "warning: classic on the face; classic on the neck: " + shared[0].partition(": ")[2]
    ]
    assert session._repr_markdown_().count("loss_fraction") == 1
    assert session._repr_html_().count("loss_fraction") == 1
    assert set(session.warnings) == {str(w) for w in session.warning_records}
