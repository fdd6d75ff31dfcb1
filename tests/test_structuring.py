"""Malformed catalog and protocol files (issue 22): each is a CatalogError naming the key.

A unit or a source written as a list or a table, a number of 400 digits, and other type
confusions went through the readers' membership tests and float conversions, and ended
as TypeError or OverflowError; one structuring layer (``_structuring``) now reads them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import mesocalc
from mesocalc._exchange import cli_files as _cli_files
from mesocalc._records import structuring as _structuring
from mesocalc.exceptions import CatalogError
from tests.test_depth_catalog import DEPTH, LAYER, LOSS, MINIMAL, USE

HUGE = "1" + "0" * 400
HEADER = 'format = 1\nname = "Clinic B"\nversion = "1"\n'
SESSION = 'session = { points = 50, volume = 10, unit = "mL", source = ["S"] }'


def _with(old: str, new: str) -> str:
    assert old in MINIMAL, old
    return MINIMAL.replace(old, new, 1)


CATALOG: list[tuple[str, str, str]] = [
    # a unit as a list or a table
    (DEPTH, DEPTH.replace('"mm"', '["mm"]'), "techniques.classic.depth.unit"),
    (DEPTH, DEPTH.replace('"mm"', '{ a = "mm" }'), "techniques.classic.depth.unit"),
    (DEPTH, DEPTH.replace('"mm"', "1"), "techniques.classic.depth.unit"),
    # a source as a list or a table, in a range, a use, a layer
    (DEPTH, DEPTH.replace('["S"]', '[["S"]]'), "techniques.classic.depth.source"),
    (DEPTH, DEPTH.replace('["S"]', "[{ a = 1 }]"), "techniques.classic.depth.source"),
    (DEPTH, DEPTH.replace('["S"]', "{ a = 1 }"), "techniques.classic.depth.source"),
    (USE, USE.replace('["S"]', '[["S"]]'), "zones.face.techniques.classic.source"),
    (USE, USE.replace('["S"]', "[{ a = 1 }]"), "zones.face.techniques.classic.source"),
    (LAYER, LAYER.replace('["S"]', '[["S"]]'), "techniques.classic.layer.source"),
    (LAYER, LAYER.replace('"skin"', '["skin"]'), "techniques.classic.layer.name"),
    (
        USE,
        'techniques.classic = { contraindicated = "x", source = [["S"]] }',
        "zones.face.techniques.classic.source",
    ),
    # numbers of 400 digits, wherever a number goes
    (DEPTH, DEPTH.replace("high = 2", f"high = {HUGE}"), "techniques.classic.depth.high"),
    (DEPTH, DEPTH.replace("low = 1", f"low = {HUGE}"), "techniques.classic.depth.low"),
    (DEPTH, DEPTH.replace("}", f", nominal = {HUGE} }}"), "techniques.classic.depth.nominal"),
    (LOSS, LOSS.replace("high = 0.5", f"high = {HUGE}"), "techniques.classic.loss_fraction"),
    (
        USE,
        USE.replace("}", ", " + SESSION.replace("volume = 10", f"volume = {HUGE}") + " }"),
        "zones.face.techniques.classic.session.volume",
    ),
    (
        USE,
        USE.replace("}", ", " + SESSION.replace('unit = "mL"', 'unit = ["mL"]') + " }"),
        "zones.face.techniques.classic.session.unit",
    ),
    (
        USE,
        USE.replace("}", ", " + SESSION.replace('["S"]', "[{ a = 1 }]") + " }"),
        "zones.face.techniques.classic.session.source",
    ),
    # other type confusions
    (DEPTH, DEPTH.replace("}", ', basis = ["stated"] }'), "techniques.classic.depth.basis"),
    (DEPTH, DEPTH.replace("}", ", note = [1] }"), "techniques.classic.depth.note"),
    ('geometry = "point"', 'geometry = ["point"]', "techniques.classic.geometry"),
    ("[zones.face]", '[zones.face]\nsnomed = ["1"]', "zones.face.snomed"),
    ("[zones.face]", "[zones.face]\nsnomed = { code = [1] }", "zones.face.snomed.code"),
    ('S = { citation = "a source" }', "S = { citation = ['a'] }", "sources.S.citation"),
    ('S = { citation = "a source" }', "S = 1", "sources.S"),
    ('name = "tiny"', "name = ['tiny']", "name"),
    ('version = "1"', "version = { a = 1 }", "version"),
    ("format = 1", f"format = {HUGE}", "format"),
]


@pytest.mark.parametrize(("old", "new", "where"), CATALOG)
def test_a_malformed_catalog_is_a_catalog_error_naming_the_key(
    old: str, new: str, where: str
) -> None:
    with pytest.raises(CatalogError) as info:
        mesocalc.parse_catalog(_with(old, new), origin="tiny.toml")
    assert info.value.parameter.startswith(f"tiny.toml: {where}"), info.value
    assert str(info.value).startswith(info.value.parameter)


PROTOCOL: list[tuple[str, str]] = [
    ('[zones.face.depth_cap]\nunit = ["mm"]\nhigh = 2\n', "zones.face.depth_cap.unit"),
    ("[zones.face.depth_cap]\nunit = { a = 1 }\nhigh = 2\n", "zones.face.depth_cap.unit"),
    (f'[zones.face.depth_cap]\nunit = "mm"\nhigh = {HUGE}\n', "zones.face.depth_cap.high"),
    (f"[techniques.classic.depth]\nlow = {HUGE}\n", "techniques.classic.depth.low"),
    (
        '[zones.face.techniques.classic.depth]\nhigh = 1\nsource = [["SEED3"]]\n',
        "zones.face.techniques.classic.depth.source",
    ),
    (
        "[zones.face.techniques.classic.depth]\nhigh = 1\nsource = { a = 1 }\n",
        "zones.face.techniques.classic.depth.source",
    ),
    (
        '[zones.face.techniques.classic]\nsource = [{ a = "SEED3" }]\n',
        "zones.face.techniques.classic.source",
    ),
    ("[sources]\nNEW = { citation = { a = 1 } }\n", "sources.NEW.citation"),
    ("[sources]\nNEW = []\n", "sources.NEW"),
    ('[zones.face]\nsnomed = ["1"]\n', "zones.face.snomed"),
]


@pytest.mark.parametrize(("body", "where"), PROTOCOL)
def test_a_malformed_protocol_is_a_catalog_error_naming_the_key(body: str, where: str) -> None:
    with pytest.raises(CatalogError) as info:
        mesocalc.parse_protocol(HEADER + body, origin="clinic-b.toml")
    assert info.value.parameter.startswith(f"clinic-b.toml: {where}"), info.value


# --- the other readers that go through the structuring layer -----------------------------------


def test_an_unknown_key_names_the_nearest_known_key() -> None:
    text = _with(DEPTH, DEPTH.replace("high", "hgih"))
    with pytest.raises(CatalogError) as info:
        mesocalc.parse_catalog(text, origin="tiny.toml")
    assert info.value.parameter == "tiny.toml: techniques.classic.depth"
    assert info.value.value == "hgih"
    assert "did you mean 'high'?" in str(info.value)


def test_an_unknown_key_of_a_stored_plan_is_named_by_its_path() -> None:
    data = mesocalc.plan(technique="classic", zone="face", area="40 cm^2").to_dict()
    data["aera"] = data["area"]
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.Plan.from_dict(data)
    assert info.value.parameter == "aera"
    assert "did you mean 'area'?" in str(info.value)


def test_a_stored_array_that_overflows_in_canonical_units_is_refused() -> None:
    plans = mesocalc.plan(technique="classic", zone="face", area=["40 cm^2", "20 cm^2"])
    data = plans.to_dict()
    data["area"] = {"value": [1.7e306, 40.0], "unit": "cm2"}
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.PlanArray.from_dict(data)
    assert info.value.parameter


RULE = 'format = 1\n\n[conditions.pregnant]\nseverity = "absolute"\nreason = "p"\nsource = ["SEED3"]\n'


@pytest.mark.parametrize(
    ("new", "where", "value"),
    [
        ('class = ["nsaid"]', "conditions.pregnant.class", ["nsaid"]),
        (f"days = {HUGE}", "conditions.pregnant.days", int(HUGE)),
        ("days = inf", "conditions.pregnant.days", float("inf")),
        ("min_stage = true", "conditions.pregnant.min_stage", True),
        ("required = 1", "conditions.pregnant.required", 1),
        ('severity2 = "x"', "conditions.pregnant", "severity2"),
        ('unchecked_severity = ["x"]', "conditions.pregnant.unchecked_severity", ["x"]),
        ("basis = [1]", "conditions.pregnant.basis", [1]),
    ],
)
def test_a_malformed_screening_rule_names_the_key(new: str, where: str, value: object) -> None:
    from mesocalc._clinic import screening as _screening  # noqa: PLC0415 - the rules are read on first use

    with pytest.raises(CatalogError) as info:
        _screening._parse_rules(RULE + new + "\n")
    assert info.value.parameter == f"screening.toml: {where}"
    assert info.value.value == value


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("format = 1\ncondition = { a = 1 }\n", "top level"),
        ("format = 1\nconditions = 1\n", "conditions"),
        ("format = 1\nmedications = [1]\n", "medications"),
    ],
)
def test_a_malformed_screening_table_names_the_table(text: str, where: str) -> None:
    from mesocalc._clinic import screening as _screening  # noqa: PLC0415

    with pytest.raises(CatalogError) as info:
        _screening._parse_rules(text)
    assert info.value.parameter == f"screening.toml: {where}"


def test_malformed_synonyms_and_labels_name_the_table() -> None:
    from mesocalc._clinic import screening_rules as _screening_rules  # noqa: PLC0415

    with pytest.raises(CatalogError) as info:
        _screening_rules._synonyms({"a": "b"})
    assert info.value.parameter == "screening.toml: synonyms.a"
    with pytest.raises(CatalogError) as info:
        _screening_rules._labels({"x": {"conditions": 1}}, set(), set())
    assert info.value.parameter == "screening.toml: labels.x.conditions"


def test_a_session_file_with_an_unknown_key_names_the_nearest(tmp_path: Path) -> None:
    path = tmp_path / "session.toml"
    path.write_text('[[aeras]]\ntechnique = "classic"\n', encoding="utf-8")
    with pytest.raises(mesocalc.UnknownNameError) as info:  # a name, with its suggestion
        _cli_files._session(str(path))
    assert (info.value.parameter, info.value.value) == ("file", "aeras")
    assert "did you mean 'areas'?" in str(info.value)
    path.write_text("patient = 1\n", encoding="utf-8")
    with pytest.raises(mesocalc.InputTypeError) as wrong:
        _cli_files._session(str(path))
    assert wrong.value.parameter == "patient"


def test_a_protocol_name_of_more_than_200_characters_is_refused() -> None:
    with pytest.raises(CatalogError) as info:
        mesocalc.parse_protocol(HEADER.replace("Clinic B", "x" * 201), origin="clinic-b.toml")
    assert info.value.parameter == "clinic-b.toml: name"


def test_an_empty_list_of_product_names_is_refused() -> None:
    from mesocalc._clinic import screening_rules as _screening_rules  # noqa: PLC0415

    with pytest.raises(CatalogError) as info:
        _screening_rules._names({"forbidden": []}, "forbidden")
    assert info.value.parameter == "screening.toml: product.forbidden"


def test_an_old_payload_keeps_a_number_too_large_to_convert_for_the_reader_to_refuse() -> None:
    old = {"area": {"value": int(HUGE), "unit": "mm2"}, "depth": {"value": 2, "unit": "mm"}}
    assert _structuring.old_units(old, 1) == {**old, "area": {"value": int(HUGE), "unit": "cm2"}}
    text = {"area": {"value": "10", "unit": "mm2"}}  # not a number: the reader names it
    assert _structuring.old_units(text, 1) == {"area": {"value": "10", "unit": "cm2"}}
