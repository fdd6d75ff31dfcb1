"""The shipped equipment and product tables: each refusal of a malformed table, and accessors."""

from __future__ import annotations

import pytest

import mesocalc
from mesocalc._clinic import products as _products
from mesocalc._planning import equipment as _equipment

EQUIPMENT = """\
format = 1

[needle.gauge]
low = 10
high = 34
source = ["ISO9626"]

[syringes.conventional."1 mL"]
capacity = "1 mL"
dead_space = "84 µL"
source = ["LDSS-WIKI"]
"""


def test_the_minimal_equipment_table_is_read() -> None:
    table = _equipment._parse_equipment(EQUIPMENT)
    assert table.gauges == (10, 34)
    assert table.gauge_source == "ISO9626"


@pytest.mark.parametrize(
    ("old", "new", "where", "value"),
    [
        ("format = 1", "format = 2", "format", 2),
        ("low = 10", "low = 40", "needle.gauge", (40, 34)),
        ("low = 10", "low = 0", "needle.gauge", (0, 34)),
        ("high = 34", 'high = "34"', "needle.gauge", (10, "34")),
        ("syringes.conventional", "syringes.glass", "syringes.glass", "glass"),
        ('capacity = "1 mL"', 'capacity = "-1 mL"', "syringes.conventional.1 mL", "-1 mL"),
        ('dead_space = "84 µL"', 'dead_space = "-84 µL"', "syringes.conventional.1 mL", "-84 µL"),
        ('source = ["LDSS-WIKI"]', "source = []", "syringes.conventional.1 mL.source", []),
        ('source = ["ISO9626"]', 'source = ["NOPE"]', "needle.gauge.source", ["NOPE"]),
    ],
)
def test_a_malformed_equipment_table_names_the_key(
    old: str, new: str, where: str, value: object
) -> None:
    assert old in EQUIPMENT
    with pytest.raises(mesocalc.CatalogError) as info:
        _equipment._parse_equipment(EQUIPMENT.replace(old, new, 1))
    assert info.value.parameter == f"equipment.toml: {where}"
    assert info.value.value == value


PRODUCTS = """\
format = 1

[products."drug"]
aliases = ["alias"]
technique = "infiltration"
zone = "submental"
concentration = { value = 10, unit = "mg/mL" }
volume_per_injection = { value = 0.2, unit = "mL" }
grid = { value = 1, unit = "cm" }
max_injections = 50
max_volume = { value = 10, unit = "mL" }
max_treatments = 6
min_interval_months = 1
source = ["KYB"]
"""


def _read_products(monkeypatch: pytest.MonkeyPatch, text: str) -> dict[str, mesocalc.Product]:
    monkeypatch.setattr(_products, "read_text", lambda name: text)
    return _products._products.__wrapped__()


def test_the_minimal_product_table_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    made = _read_products(monkeypatch, PRODUCTS)
    assert made["alias"] is made["drug"]
    label = made["drug"].label
    assert label is not None
    assert label.max_volume.to("mL").magnitude == 10


@pytest.mark.parametrize(
    ("old", "new", "where", "value"),
    [
        ("format = 1", "format = 0", "format", 0),
        ("max_injections = 50", "max_injections = 0", "products.drug.max_injections", 0),
        ("max_injections = 50", "max_injections = true", "products.drug.max_injections", True),
        ("max_treatments = 6", "max_treatments = 1.5", "products.drug.max_treatments", 1.5),
        ('grid = { value = 1, unit = "cm" }', "grid = 1", "products.drug.grid", 1),
        (
            'grid = { value = 1, unit = "cm" }',
            'grid = { value = 1, unit = "cm", note = "x" }',
            "products.drug.grid",
            {"value": 1, "unit": "cm", "note": "x"},
        ),
        ('source = ["KYB"]', "source = []", "products.drug.source", []),
        ('source = ["KYB"]', 'source = ["KYB"]\ncolour = 1', "products.drug", ["colour"]),
        ('[products."drug"]', 'products.other = 1\n[products."drug"]', "products.other", 1),
    ],
)
def test_a_malformed_product_table_names_the_key(
    monkeypatch: pytest.MonkeyPatch, old: str, new: str, where: str, value: object
) -> None:
    assert old in PRODUCTS
    with pytest.raises(mesocalc.CatalogError) as info:
        _read_products(monkeypatch, PRODUCTS.replace(old, new, 1))
    assert info.value.parameter == f"products.toml: {where}"
    assert info.value.value == value


def test_a_product_name_must_be_text() -> None:
    with pytest.raises(mesocalc.InputTypeError) as info:
        mesocalc.product(42)  # type: ignore[arg-type]
    assert (info.value.parameter, info.value.value) == ("name", 42)


def test_a_product_round_trips_and_reports_its_label_in_ml() -> None:
    made = mesocalc.product("kybella", lot="B1", expires="2027-03-31")
    assert mesocalc.Product.from_dict(made.to_dict()) == made
    assert made.label is not None
    assert made.label.max_volume.to("mL").magnitude == 10


def test_equipment_reports_lengths_and_capacities_as_quantities() -> None:
    assert mesocalc.Needle(gauge="30G", length="4 mm").length.to("mm").magnitude == 4
    assert mesocalc.Syringe.conventional("1 mL").capacity.to("mL").magnitude == 1
