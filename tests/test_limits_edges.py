"""Limits that no clinic file, stored record or product name loosens (issue 22).

Each case ends as a MesocalcError naming the field at fault, or works as documented.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

import mesocalc
from mesocalc._protocol import _never_wider

_HEAD = 'format = 1\nname = "clinic"\nversion = "1"\n'


def _new_zone(key: str) -> str:
    return (
        _HEAD + f'[zones."{key}"]\nsnomed = "48477009"\n'
        'skin = { low = 0.9, high = 0.99, unit = "mm", source = ["SEED3"] }\n'
        'techniques.nappage-superficial = { source = ["SEED3"] }\n'
    )


# --- protocols ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "shipped"),
    [
        ("periorbital", "eyelid"),
        ("eyelids", "eyelid"),
        ("chest", "decollete"),
        ("double-chin", "submental"),
        ("knee", "knees"),
        ("Eyelid", "eyelid"),
        ("EYELIDS", "eyelid"),
        ("double_chin", "submental"),
        ("Double Chin", "submental"),
        (" face ", "face"),
    ],
)
def test_a_protocol_cannot_add_a_zone_named_like_a_shipped_one(key: str, shipped: str) -> None:
    with pytest.raises(mesocalc.CatalogError) as info:
        mesocalc.parse_protocol(_new_zone(key))
    assert info.value.parameter == f"protocol: zones.{key}"
    assert f"the shipped zone {shipped!r}" in str(info.value)


def test_the_eyelid_keeps_its_thickness_and_code_whatever_a_protocol_names() -> None:
    with pytest.raises(mesocalc.CatalogError):
        mesocalc.parse_protocol(_new_zone("periorbital"))
    with pytest.raises(mesocalc.MesocalcError):  # deeper than the eyelid's skin, as before
        mesocalc.plan(
            technique="nappage-superficial", zone="eyelid", area="4 cm^2", depth="0.9 mm"
        )


def test_a_new_zone_of_its_own_name_is_still_added() -> None:
    book = mesocalc.parse_protocol(_new_zone("lips-edge"))
    assert any(z.value == "lips-edge" for z in book.zones)


def test_a_technique_named_twice_in_a_zone_is_refused() -> None:
    text = _HEAD + '[zones.face.techniques.classical]\nsource = ["SEED3"]\n'
    with pytest.raises(mesocalc.CatalogError) as info:
        mesocalc.parse_protocol(text)
    assert info.value.parameter == "protocol: zones.face.techniques.classical"


def test_a_catalog_describing_one_zone_twice_is_refused(tmp_path: Any) -> None:
    from mesocalc._catalog import parse_document  # noqa: PLC0415 - the reader itself
    from mesocalc._protocol import _shipped  # noqa: PLC0415

    doc = _shipped()
    doc["zones"]["eyelids"] = doc["zones"]["eyelid"]
    with pytest.raises(mesocalc.CatalogError) as info:
        parse_document(doc, "catalog.toml")
    assert info.value.parameter == "catalog.toml: zones.eyelids"


@pytest.mark.parametrize("field", ["skin", "sites"])
def test_a_shipped_zone_s_thickness_and_code_are_kept(field: str) -> None:
    shipped = mesocalc.Catalog.default()
    changed = {k: v for k, v in getattr(shipped, field).items() if k is not mesocalc.Zone.EYELID}
    book = attrs.evolve(shipped, **{field: changed})
    with pytest.raises(mesocalc.CatalogError, match="zones.eyelid"):
        _never_wider(shipped, book, "clinic")
