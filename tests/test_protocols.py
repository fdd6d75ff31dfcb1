"""A clinic's protocol narrows the shipped catalog and is named in every plan (issue 11)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given

import mesocalc
from mesocalc._exchange.cli import main

from . import strategies as mst

CLINIC = Path(__file__).parent / "data" / "clinic-protocol.toml"
HEADER = 'format = 1\nname = "Clinic B"\nversion = "1"\n'


def _protocol(body: str) -> mesocalc.Catalog:
    return mesocalc.parse_protocol(HEADER + body, origin="clinic-b.toml")


def test_a_narrower_range_changes_plans_and_the_plan_names_the_protocol() -> None:
    clinic = mesocalc.load_protocol(CLINIC)
    p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2", catalog=clinic)
    assert p.protocol == mesocalc.Protocol(name="Clinic A face protocol", version="2026-11")
    assert p.depth.to("mm").magnitude == pytest.approx(1.25)  # the midpoint of 1-1.5 mm
    assert p.spacing.to("mm").magnitude == pytest.approx(8.0)  # the protocol's nominal
    assert "protocol          Clinic A face protocol 2026-11" in p.table()
    with pytest.raises(mesocalc.SoftLimitError, match="CLINIC-A") as info:
        mesocalc.plan(
            technique="classic", zone="face", area="40 cm^2", depth="1.8 mm", catalog=clinic
        )
    assert info.value.parameter == "depth"
    # The shipped catalog still allows 1.8 mm, and says so.
    shipped = mesocalc.plan(technique="classic", zone="face", area="40 cm^2", depth="1.8 mm")
    assert shipped.protocol is not None
    assert shipped.protocol.name == "mesocalc default catalog"


def test_the_protocol_is_in_the_json_of_plans_specs_and_sessions() -> None:
    clinic = mesocalc.load_protocol(CLINIC)
    p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2", catalog=clinic)
    data = json.loads(json.dumps(p.to_dict()))
    assert data["protocol"] == {"name": "Clinic A face protocol", "version": "2026-11"}
    assert mesocalc.Plan.from_dict(data, catalog=clinic) == p
    assert clinic.spec("classic", "face").to_dict()["protocol"]["version"] == "2026-11"
    s = mesocalc.Session(plans=[p, p], sides=["left", "right"])
    assert s.protocols == (p.protocol,)
    assert "Clinic A face protocol 2026-11" in s.table()
    assert mesocalc.Session.from_dict(s.to_dict(), catalog=clinic).protocols == (p.protocol,)


def test_a_session_cap_and_a_new_use_with_the_clinics_source() -> None:
    clinic = mesocalc.load_protocol(CLINIC)
    with pytest.raises(mesocalc.HardLimitError, match="at most 300 injections") as info:
        mesocalc.plan(technique="classic", zone="face", area="400 cm^2", catalog=clinic)
    assert info.value.source == "CLINIC-A"
    hands = clinic.spec("nappage", "hands")
    assert hands.published
    assert hands.sources == ("CLINIC-A",)
    assert not mesocalc.spec("nappage", "hands").published  # shipped: no published use
    p = mesocalc.plan(technique="nappage", zone="hands", area="80 cm^2", catalog=clinic)
    assert p.overrides == ()


@pytest.mark.parametrize(
    ("body", "where"),
    [
        # The eyelid's 0.626 mm for classic is hard (the lid's thickest skin): never deeper.
        (
            '[zones.eyelid.techniques.classic]\ndepth = { high = 0.9, unit = "mm", '
            'source = ["SEED3"], hard = true }\n',
            "zones.eyelid.techniques.classic.depth",
        ),
        # A hard range made soft is wider too.
        (
            '[zones.eyelid.techniques.classic]\ndepth = { high = 0.5, unit = "mm", '
            'source = ["SEED3"] }\n',
            "zones.eyelid.techniques.classic.depth",
        ),
        # Seed 003's 1 mm on the eyelid binds every technique there.
        (
            '[zones.eyelid]\ndepth_cap = { high = 2, unit = "mm", source = ["SEED3"] }\n',
            "zones.eyelid.depth_cap",
        ),
        # Nappage cannot keep to the eyelid's limits: the catalog rules it out.
        (
            '[zones.eyelid.techniques.nappage]\nsource = ["SEED3"]\n',
            "zones.eyelid.techniques.nappage",
        ),
        # A technique's skin layer bounds every depth: a protocol keeps it.
        ('[techniques.classic]\nlayer = { name = "any" }\n', "techniques.classic.layer"),
        # A zone's published skin thickness is kept too.
        (
            '[zones.eyelid]\nskin = { low = 1, high = 3, unit = "mm", source = ["SEED3"] }\n',
            "zones.eyelid.skin",
        ),
        # Zones are a closed set.
        ('[zones.lips.techniques.classic]\nsource = ["SEED3"]\n', "zones.lips"),
        # A source key of the shipped catalog keeps its citation.
        ('[sources]\nSEED3 = { citation = "something else" }\n', "sources.SEED3"),
    ],
)
def test_a_protocol_that_widens_a_hard_limit_is_refused(body: str, where: str) -> None:
    with pytest.raises(mesocalc.CatalogError) as info:
        _protocol(body)
    assert info.value.parameter == f"clinic-b.toml: {where}"


@pytest.mark.parametrize(
    ("text", "parameter"),
    [
        ('format = 1\nname = "Clinic B"\n', "clinic-b.toml: version"),
        ('format = 1\nversion = "1"\n', "clinic-b.toml: name"),
        ('format = 2\nname = "Clinic B"\nversion = "1"\n', "clinic-b.toml: format"),
        (HEADER + "colour = 1\n", "clinic-b.toml: top level"),
        ("format = = 1", "clinic-b.toml"),
    ],
)
def test_a_protocol_without_its_name_version_or_format_is_refused(
    text: str, parameter: str
) -> None:
    with pytest.raises(mesocalc.CatalogError) as info:
        mesocalc.parse_protocol(text, origin="clinic-b.toml")
    assert info.value.parameter == parameter


def test_a_protocol_file_too_large_or_missing_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    big.write_text(HEADER + "# " + "x" * 1_000_001 + "\n")
    with pytest.raises(mesocalc.CatalogError, match="at most 1,000,000 bytes"):
        mesocalc.load_protocol(big)
    with pytest.raises(mesocalc.CatalogError, match="^path: "):
        mesocalc.load_protocol(tmp_path / "missing.toml")
    with pytest.raises(mesocalc.CatalogError, match="^path: "):
        mesocalc.load_protocol(42)  # type: ignore[arg-type]


def test_the_command_line_plans_with_a_protocol(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--catalog", str(CLINIC), "plan", "--technique", "classic", "--zone", "face"]
    assert main([*argv, "--area", "40 cm^2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["protocol"]["name"] == "Clinic A face protocol"
    assert main([*argv, "--area", "40 cm^2", "--depth", "1.8 mm"]) == 2
    assert "CLINIC-A" in capsys.readouterr().err
    assert (
        main(["--catalog", str(CLINIC), "spec", "--technique", "classic", "--zone", "face"]) == 0
    )
    assert "1 to 1.5 mm" in capsys.readouterr().out
    assert main(["--catalog", "missing.toml", "zones"]) == 2


@given(mst.protocol_files())
def test_any_protocol_text_gives_a_catalog_or_a_catalog_error(text: str) -> None:
    """A clinic's file is untrusted input: it reads, or the fault is named; nothing else."""
    try:
        book = mesocalc.parse_protocol(text, origin="clinic.toml")
    except mesocalc.CatalogError as error:
        assert str(error).startswith("clinic.toml")
    else:
        assert book.protocol.name


LIPS = """
[sources]
CLINIC-B = { citation = "Clinic B lip protocol, 2026" }
[zones.lips]
snomed = { code = "48477009", source = ["CLINIC-B"], verified = false, note = "Taken from the clinic's own coding; no source in the catalog confirms it." }
skin = { low = 1, high = 2, unit = "mm", source = ["CLINIC-B"] }
techniques.classic = { source = ["CLINIC-B"] }
"""


def test_a_protocol_adds_a_zone_with_its_thickness_and_code() -> None:
    clinic = _protocol(LIPS)
    lips = mesocalc.Zone("lips")
    assert lips in clinic.zones
    assert lips not in list(mesocalc.Zone)  # the shipped set is unchanged
    assert clinic.thickness(lips).skin is not None
    site = clinic.site(lips)
    assert site is not None
    assert (site.code, site.verified) == ("48477009", False)
    p = mesocalc.plan(technique="classic", zone="lips", area="6 cm^2", catalog=clinic)
    assert p.zone is lips
    assert mesocalc.Plan.from_dict(p.to_dict(), catalog=clinic) == p
    # Classic deposits in the skin: no deeper than the lips' 2 mm.
    with pytest.raises(mesocalc.HardLimitError, match="^depth: "):
        mesocalc.plan(
            technique="classic", zone="lips", area="6 cm^2", depth="2.5 mm", catalog=clinic,
            override=mesocalc.Override(reason="test"),
        )  # fmt: skip
    # The shipped catalog does not know the zone.
    with pytest.raises(mesocalc.UnknownNameError, match="^zone: got 'lips'; expected one of"):
        mesocalc.plan(technique="classic", zone="lips", area="6 cm^2")


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ('[zones.chin]\ntechniques.classic = { source = ["SEED3"] }\n', "zones.chin"),
        ('[zones.Chin_2]\nsnomed = "1"\nskin = 1\ntechniques = {}\n', "zones.Chin_2"),
    ],
)
def test_a_new_zone_needs_its_code_thickness_and_a_proper_name(body: str, where: str) -> None:
    with pytest.raises(mesocalc.CatalogError) as info:
        _protocol(body)
    assert info.value.parameter == f"clinic-b.toml: {where}"


def test_the_protocol_schema_checks_a_protocol_file_as_an_editor_would() -> None:
    import tomllib  # noqa: PLC0415

    from jsonschema import Draft202012Validator  # noqa: PLC0415

    checker = Draft202012Validator(mesocalc.json_schema("protocol"))
    assert list(checker.iter_errors(tomllib.loads(CLINIC.read_text()))) == []
    assert list(checker.iter_errors(tomllib.loads(HEADER + LIPS))) == []
    wrong = tomllib.loads(HEADER + "[zones.face.techniques.classic]\ndepht = { high = 1 }\n")
    assert [e.message for e in checker.iter_errors(wrong)]  # the typo is caught while writing
    assert list(checker.iter_errors({"format": 1, "name": "x"}))  # no version
