"""Limits that no clinic file, stored record or product name loosens (issue 22).

Each case ends as a MesocalcError naming the field at fault, or works as documented.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

import mesocalc
from mesocalc._catalog.protocol import _never_wider

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
    from mesocalc._catalog.catalog import parse_document  # noqa: PLC0415 - the reader itself
    from mesocalc._catalog.protocol import _shipped  # noqa: PLC0415

    doc = _shipped()
    doc["zones"]["eyelids"] = doc["zones"]["eyelid"]
    with pytest.raises(mesocalc.CatalogError) as info:
        parse_document(doc, "catalog.toml")
    assert info.value.parameter == "catalog.toml: zones.eyelids"


@pytest.mark.parametrize("field", ["skin", "sites"])
def test_a_shipped_zone_s_thickness_and_code_are_kept(field: str) -> None:
    shipped = mesocalc.Catalog.default()
    changed = {k: v for k, v in getattr(shipped, field).items() if k is not mesocalc.Zone.EYELID}
    book = (
        attrs.evolve(shipped, skin=changed)
        if field == "skin"
        else attrs.evolve(shipped, sites=changed)
    )
    with pytest.raises(mesocalc.CatalogError, match="zones.eyelid"):
        _never_wider(shipped, book, "clinic")


# --- stored sessions and courses, and product names -----------------------------------------

_SUBMENTAL: dict[str, Any] = {"technique": "infiltration", "zone": "submental", "area": "25 cm^2"}


def _stored_session(**product: Any) -> dict[str, Any]:
    dca = mesocalc.product("deoxycholic acid")
    s = mesocalc.Session.from_requests([_SUBMENTAL], product=dca, date="2026-12-01")
    data = s.to_dict()
    data["product"].update(product)
    return data


def _label(data: dict[str, Any]) -> dict[str, Any]:
    label: dict[str, Any] = data["product"]["label"]
    return label


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("max_injections", 1000, "max_injections"),
        ("max_treatments", 60, "max_treatments"),
        ("min_interval_months", 0, "min_interval_months"),
        ("max_volume", {"value": float("nan"), "unit": "mL"}, "max_volume"),
        ("max_volume", {"value": 20.0, "unit": "mL"}, "max_volume"),
        ("grid", {"value": 0.0, "unit": "mm"}, "grid"),
        ("zone", "face", "zone"),
    ],
)
def test_a_stored_label_is_never_trusted_over_the_shipped_one(
    key: str, value: Any, field: str
) -> None:
    data = _stored_session()
    _label(data)[key] = value
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Session.from_dict(data)
    assert info.value.parameter == f"product.label.{field}"


def test_a_stored_course_with_a_loosened_label_is_refused() -> None:
    session = _stored_session()
    _label(session)["max_treatments"] = 60
    data = {"schema": "mesocalc.course", "schema_version": 1, "sessions": [session]}
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Course.from_dict(data)
    assert info.value.parameter == "sessions[0].product.label.max_treatments"


@pytest.mark.parametrize(
    "name", ["deoxycholic acid", " Deoxycholic Acid", "DEOXYCHOLIC  ACID", "Kybella"]
)
def test_a_product_named_like_a_shipped_one_carries_its_label(name: str) -> None:
    shipped = mesocalc.product("deoxycholic acid").label
    assert mesocalc.Product(name=name).label == shipped
    data = _stored_session(name=name)
    del data["product"]["label"]
    assert mesocalc.Session.from_dict(data).product.label == shipped  # type: ignore[union-attr]


def test_a_stored_session_without_its_label_is_held_to_the_shipped_caps() -> None:
    override = mesocalc.Override(reason="a test of the label's cap")
    big = mesocalc.plan(**{**_SUBMENTAL, "area": "60 cm^2"}, override=override)
    assert big.points > 50
    data = mesocalc.Session(plans=[big], date="2026-12-01").to_dict()
    data["product"] = {"name": "Deoxycholic Acid "}
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.Session.from_dict(data)
    assert info.value.parameter == "points"


def test_a_label_given_for_a_shipped_name_must_be_the_shipped_one() -> None:
    shipped = mesocalc.product("deoxycholic acid").label
    assert shipped is not None
    looser = attrs.evolve(shipped, max_injections=1000)
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.Product(name="deoxycholic acid", label=looser)
    assert info.value.parameter == "label.max_injections"
    renoted = attrs.evolve(shipped, note="an older note")  # the figures agree: shipped kept
    assert mesocalc.Product(name="deoxycholic acid", label=renoted).label is shipped


def test_a_course_counts_one_product_whatever_the_case_or_spacing_of_its_name() -> None:
    names = ["deoxycholic acid", " Deoxycholic Acid", "DEOXYCHOLIC ACID", "Deoxycholic  acid",
             "deoxycholic acid ", "Kybella", "deoxycholic-acid"]  # fmt: skip
    plans = [mesocalc.plan(**_SUBMENTAL, spacing="1 cm", volume_per_point="0.2 mL")]
    sessions = [
        mesocalc.Session(
            plans=plans, date=f"2027-{m + 1:02d}-01", product=mesocalc.Product(name=name)
        )
        for m, name in enumerate(names)
    ]
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.Course(sessions=sessions)
    assert info.value.parameter == "sessions"
    mesocalc.Course(sessions=sessions[:6])  # six, a month apart: as the label allows


def test_a_course_of_one_own_product_under_two_labels_is_refused() -> None:
    label = mesocalc.product("deoxycholic acid").label
    assert label is not None
    plans = [mesocalc.plan(**_SUBMENTAL, spacing="1 cm", volume_per_point="0.2 mL")]
    made = [
        mesocalc.Product(name="Clinic DCA", label=label),
        mesocalc.Product(name="clinic dca", label=attrs.evolve(label, max_treatments=3)),
    ]
    sessions = [
        mesocalc.Session(plans=plans, date=f"2027-0{i + 1}-01", product=p)
        for i, p in enumerate(made)
    ]
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.Course(sessions=sessions)
    assert info.value.parameter == "sessions[1].product.label"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"max_injections": 0}, "max_injections"),
        ({"max_injections": True}, "max_injections"),
        ({"max_treatments": 10**7}, "max_treatments"),
        ({"min_interval_months": 0}, "min_interval_months"),
        ({"max_volume_ml": float("nan")}, "max_volume"),
        ({"max_volume_ml": "10"}, "max_volume"),
        ({"grid_mm": 0.0}, "grid"),
        ({"volume_per_injection_ml": float("inf")}, "volume_per_injection"),
        ({"technique": "infiltration"}, "technique"),
        ({"zone": None}, "zone"),
        ({"sources": ()}, "source"),
        ({"sources": "KYB"}, "source"),
        ({"sources": ("KYB\ud800",)}, "source"),
        ({"note": 3}, "note"),
    ],
)
def test_a_label_of_impossible_figures_is_refused(change: dict[str, Any], field: str) -> None:
    label = mesocalc.product("deoxycholic acid").label
    assert label is not None
    with pytest.raises(mesocalc.MesocalcError) as info:
        attrs.evolve(label, **change)
    assert info.value.parameter == field


@pytest.mark.parametrize("label", ["x", 1, {"max_injections": 50}])
def test_a_product_s_label_is_a_label(label: Any) -> None:
    with pytest.raises(mesocalc.InputTypeError) as info:
        mesocalc.Product(name="clinic product", label=label)
    assert info.value.parameter == "label"


# --- strings no record can hold, and inputs of odd types ------------------------------------


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: mesocalc.Product(name="dca\ud800"), "name"),
        (lambda: mesocalc.Product(name="clinic product", lot="B\udc00"), "lot"),
        (lambda: mesocalc.product("deoxycholic acid", lot="\ud800"), "lot"),
        (lambda: mesocalc.Override(reason="asked \ud800"), "reason"),
        (lambda: mesocalc.Override(reason="asked", by="\udfff"), "by"),
        (lambda: mesocalc.Patient(recent_medications={"aspirin\ud800": 3}), "recent_medications"),
        (lambda: mesocalc.Patient(allergies=("lidocaine\ud800",)), "allergies"),
        (lambda: _shipped_label(note="reworded \ud800"), "note"),
    ],
)
def test_a_lone_surrogate_is_refused_at_construction(make: Any, field: str) -> None:
    with pytest.raises(mesocalc.InvalidValueError) as info:
        make()
    assert info.value.parameter == field


def test_a_stored_lot_with_a_lone_surrogate_is_refused() -> None:
    data = _stored_session(lot="B\ud800")
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.Session.from_dict(data)
    assert info.value.parameter == "product.lot"


def _shipped_label(**change: Any) -> mesocalc.Label:
    label = mesocalc.product("deoxycholic acid").label
    assert label is not None
    return attrs.evolve(label, **change)


class _Unhashable(str):
    __hash__ = None  # type: ignore[assignment]  # a hostile str: it will not hash


def test_an_unhashable_str_subclass_is_read_as_its_text() -> None:
    p = mesocalc.plan(
        technique=_Unhashable("classic"),
        zone=_Unhashable("face"),
        area=_Unhashable("40 cm^2"),
        depth=_Unhashable("1.5 mm"),
    )
    assert p == mesocalc.plan(technique="classic", zone="face", area="40 cm^2", depth="1.5 mm")
    with pytest.raises(mesocalc.ParseError) as info:
        mesocalc.plan(technique="classic", zone="face", area=_Unhashable("forty"))
    assert info.value.parameter == "area"


def test_a_quantity_of_another_registry_with_a_unit_of_its_own_is_a_unit_error() -> None:
    import pint  # noqa: PLC0415 - the test's own registry

    reg: Any = pint.UnitRegistry()
    reg.define("smoot = 1.7018 m")
    request: dict[str, Any] = {"technique": "classic", "zone": "face", "area": "40 cm^2"}
    for parameter, value in [
        ("depth", reg.Quantity(1.0, "smoot")),
        ("depth", reg.Quantity(1, "smoot / mm")),
        ("area", reg.Quantity([1.0, 2.0], "smoot ** 2")),
    ]:
        with pytest.raises(mesocalc.UnitError) as info:
            mesocalc.plan(**{**request, parameter: value})
        assert info.value.parameter == parameter
    with pytest.raises(mesocalc.UnitError) as unit:
        mesocalc.Product(name="clinic product", concentration=reg.Quantity(1, "smoot"))
    assert unit.value.parameter == "concentration"
    with pytest.raises(mesocalc.UnitError) as vertex:
        mesocalc.Polygon([(reg.Quantity(1, "smoot"), "1 mm"), ("2 mm", "1 mm"), ("2 mm", "3 mm")])
    assert vertex.value.parameter == "vertices[0]"
    ordinary = mesocalc.plan(technique="classic", zone="face", area="40 cm^2",
                             depth=reg.Quantity(1.5, "mm"))  # fmt: skip
    assert ordinary.depth.to("mm").magnitude == 1.5  # another registry's mm still reads


# --- the catalog's per-session cap, over a session's areas ----------------------------------

_INFILTRATION: dict[str, Any] = {**_SUBMENTAL, "spacing": "1 cm"}


def _areas(*sizes: int) -> list[mesocalc.Plan]:
    return [mesocalc.plan(**{**_INFILTRATION, "area": f"{n} cm^2"}) for n in sizes]


def test_two_areas_of_one_use_are_held_to_its_session_cap_as_one_plan_is() -> None:
    with pytest.raises(mesocalc.SoftLimitError) as one:
        mesocalc.plan(**{**_INFILTRATION, "area": "60 cm^2"})
    with pytest.raises(mesocalc.SoftLimitError) as two:
        mesocalc.Session(plans=_areas(30, 30))
    assert two.value.parameter == one.value.parameter == "points"
    assert two.value.allowed == one.value.allowed
    assert "2 areas of infiltration on the submental, summed" in str(two.value)
    assert mesocalc.Session(plans=_areas(20, 20)).points == 40  # within the cap


def test_the_session_s_override_passes_a_soft_cap_and_is_recorded() -> None:
    override = mesocalc.Override(reason="two submental areas", by="Dr A")
    session = mesocalc.Session(plans=_areas(30, 30), override=override)
    overridden = [
        w for w in session.warning_records if w.code is mesocalc.WarningCode.SESSION_CAP_OVERRIDDEN
    ]
    assert len(overridden) == 1
    assert "points 60 is beyond the session cap" in str(overridden[0])
    assert "Dr A" in str(overridden[0])
    data = session.to_dict()
    assert mesocalc.Session.from_dict(data) == session
    del data["override"]
    with pytest.raises(mesocalc.SoftLimitError) as info:
        mesocalc.Session.from_dict(data)  # a stored session is held to the sum again
    assert info.value.parameter == "points"


def test_from_requests_passes_the_session_s_override_and_holds_the_sum() -> None:
    areas = [{**_INFILTRATION, "area": "30 cm^2"}] * 2
    with pytest.raises(mesocalc.SoftLimitError):
        mesocalc.Session.from_requests(areas)
    override = mesocalc.Override(reason="two submental areas")
    assert mesocalc.Session.from_requests(areas, override=override).points == 60


def test_a_protocol_s_hard_session_cap_holds_over_the_areas() -> None:
    clinic = mesocalc.parse_protocol(
        _HEAD + "[zones.submental.techniques.infiltration]\n"
        'session = { points = 40, source = ["KYB"], basis = "stated", hard = true, '
        'note = "The clinic states its own cap." }\n'
    )
    areas = [{**_INFILTRATION, "area": "30 cm^2"}] * 2
    override = mesocalc.Override(reason="asked")
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.Session.from_requests(areas, catalog=clinic, override=override)
    assert info.value.allowed == "at most 40 injections"
    plans = [mesocalc.plan(**a, catalog=clinic) for a in areas]
    with pytest.raises(mesocalc.LimitError):  # without the protocol: the shipped cap, 50
        mesocalc.Session(plans=plans)


@pytest.mark.parametrize("override", ["because", {"reason": "x"}, 1])
def test_a_session_s_override_is_an_override(override: Any) -> None:
    with pytest.raises(mesocalc.InputTypeError) as info:
        mesocalc.Session(plans=_areas(10), override=override)
    assert info.value.parameter == "override"


def test_a_protocol_s_volume_cap_holds_over_the_areas() -> None:
    clinic = mesocalc.parse_protocol(
        _HEAD + "[zones.submental.techniques.infiltration]\n"
        'session = { points = 50, volume = 5, unit = "mL", source = ["KYB"], basis = "stated", '
        'hard = true, note = "The clinic states its own cap." }\n'
    )
    areas = [{**_INFILTRATION, "area": "20 cm^2", "volume_per_point": "0.2 mL"}] * 2
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.Session.from_requests(areas, catalog=clinic)
    assert info.value.parameter == "total_volume"


def test_a_new_zone_may_not_take_a_shipped_zone_s_code() -> None:
    text = _new_zone("lips-edge").replace('"48477009"', '"89545001"')
    with pytest.raises(mesocalc.CatalogError) as info:
        mesocalc.parse_protocol(text)
    assert info.value.parameter == "protocol: zones.lips-edge.snomed"
    assert "the shipped face's" in str(info.value)
