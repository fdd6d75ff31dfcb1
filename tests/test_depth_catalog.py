"""The catalog reader's refusals, one malformed catalog each, with what the error carries."""

from __future__ import annotations

import pytest

import mesocalc
from mesocalc._catalog.catalog import default_catalog
from mesocalc._catalog.entries import Protocol

# The smallest catalog the reader accepts: one technique used in one zone.
MINIMAL = """\
format = 1
name = "tiny"
version = "1"

[sources]
S = { citation = "a source" }

[techniques.classic]
geometry = "point"
layer = { name = "skin", source = ["S"], note = "intradermal" }
depth = { low = 1, high = 2, unit = "mm", source = ["S"] }
spacing = { low = 5, high = 10, unit = "mm", source = ["S"] }
volume_per_point = { low = 0.01, high = 0.03, unit = "mL", source = ["S"] }
angle = { low = 45, high = 60, unit = "deg", source = ["S"] }
loss_fraction = { low = 0, high = 0.5, source = ["S"] }

[zones.face]
techniques.classic = { source = ["S"] }
"""

DEPTH = 'depth = { low = 1, high = 2, unit = "mm", source = ["S"] }'
LOSS = 'loss_fraction = { low = 0, high = 0.5, source = ["S"] }'
USE = 'techniques.classic = { source = ["S"] }'
LAYER = 'layer = { name = "skin", source = ["S"], note = "intradermal" }'


def _with(old: str, new: str) -> str:
    assert old in MINIMAL, old
    return MINIMAL.replace(old, new, 1)


def test_the_minimal_catalog_is_read() -> None:
    book = mesocalc.parse_catalog(MINIMAL)
    assert book.spec("classic", "face").depth.describe() == "1 to 2 mm"


def test_a_technique_the_catalog_does_not_define_is_refused_with_the_catalog_as_source() -> None:
    book = mesocalc.parse_catalog(MINIMAL)
    with pytest.raises(mesocalc.HardLimitError) as info:
        book.spec("nappage", "face")
    assert info.value.parameter == "technique"
    assert info.value.value == "nappage"
    assert info.value.source == "tiny"


def test_a_contraindication_a_zone_states_is_refused_with_its_reason_and_source() -> None:
    text = _with(
        USE, USE + '\ntechniques.nappage = { contraindicated = "too deep", source = ["S"] }'
    )
    text = text.replace("[zones.face]", _technique("nappage") + "\n[zones.face]")
    book = mesocalc.parse_catalog(text)
    with pytest.raises(mesocalc.HardLimitError, match="too deep") as info:
        book.spec("nappage", "face")
    assert info.value.source == "S"


def _technique(name: str) -> str:
    """A second technique's table, as the minimal catalog's classic one."""
    start = MINIMAL.index("[techniques.classic]")
    end = MINIMAL.index("[zones.face]")
    return MINIMAL[start:end].replace("classic", name)


@pytest.mark.parametrize(
    ("old", "new", "where", "value"),
    [
        # the header
        ('name = "tiny"', 'name = " "', "name", " "),
        ('name = "tiny"', "name = 3", "name", 3),
        ('version = "1"', 'version = ""', "version", ""),
        ('version = "1"', "version = []", "version", []),
        ('S = { citation = "a source" }', "S = { short = 1 }", "sources.S.citation", None),
        ('S = { citation = "a source" }', "S = 1", "sources.S", 1),
        # numbers
        (DEPTH, DEPTH.replace("low = 1", 'low = "1"'), "depth.low", "1"),
        (DEPTH, DEPTH.replace("low = 1", "low = true"), "depth.low", True),
        (DEPTH, DEPTH.replace("high = 2", "high = inf"), "depth.high", float("inf")),
        (DEPTH, DEPTH.replace("high = 2, ", ""), "depth.high", None),
        (DEPTH, DEPTH.replace("low = 1", "low = 3"), "depth", (3.0, 2.0)),
        (DEPTH, DEPTH.replace("low = 1", "low = -1"), "depth", (-1.0, 2.0)),
        ('high = 60, unit = "deg"', 'high = 95, unit = "deg"', "angle", (45.0, 95.0)),
        (DEPTH, DEPTH.replace("}", ", low_open = 1 }"), "depth.low_open", 1),
        (DEPTH, DEPTH.replace("}", ", nominal = 5 }"), "depth.nominal", 5.0),
        (DEPTH, DEPTH.replace("}", ", nominal = 1, low_open = true }"), "depth.nominal", 1.0),
        # basis, notes, about, hard
        (DEPTH, DEPTH.replace("}", ', basis = "guessed" }'), "depth.basis", "guessed"),
        (DEPTH, DEPTH.replace("}", ", note = 5 }"), "depth.note", 5),
        (DEPTH, DEPTH.replace("}", ', basis = "derived" }'), "depth.note", ""),
        (DEPTH, DEPTH.replace("}", ", about = 1 }"), "depth.about", 1),
        (DEPTH, DEPTH.replace("}", ", about = true, hard = true }"), "depth.about", True),
        (DEPTH, DEPTH.replace("}", ", hard = 1 }"), "depth.hard", 1),
        (DEPTH, DEPTH.replace("}", ", colour = 1 }"), "depth", "colour"),
        (DEPTH, DEPTH.replace('source = ["S"]', "source = 5"), "depth.source", 5),
        (DEPTH, DEPTH.replace('source = ["S"]', "source = []"), "depth.source", []),
        (DEPTH, "depth = 2", "depth", 2),
        # units
        (DEPTH, DEPTH.replace('unit = "mm"', 'unit = "mL"'), "depth.unit", "mL"),
        (LOSS, LOSS.replace("}", ', unit = "mm" }'), "loss_fraction.unit", "mm"),
        # a technique's own keys
        ('geometry = "point"', 'geometry = "blob"', "geometry", "blob"),
        ('geometry = "point"', 'geometry = "thread"', "thread_length", None),
        ('geometry = "point"', 'geometry = "point"\ncolour = "red"', "classic", "colour"),
        (DEPTH + "\n", "", "techniques.classic.depth", None),
        (LAYER, LAYER.replace('"skin"', '"bone"'), "layer.name", "bone"),
        (LAYER, LAYER.replace('"intradermal"', '" "'), "layer.note", " "),
        (LAYER, LAYER.replace('source = ["S"]', "source = []"), "layer.source", []),
        (
            LAYER,
            'layer = { name = "skin", source = ["S"], note = "x", depth = 1 }',
            "layer",
            "depth",
        ),
        ("[techniques.classic]", "[techniques.sculpting]", "techniques.sculpting", "sculpting"),
        ("[techniques.classic]", "[techniques.classic]\n[techniques.classic.x]", "classic", "x"),
        # a zone's uses
        (USE, 'techniques.nappage = { source = ["S"] }', "techniques.nappage", "nappage"),
        (USE, "techniques.classic = { source = [] }", "classic.source", []),
        (USE, 'techniques.classic = { source = "S" }', "classic.source", "S"),
        (USE, 'techniques.classic = { source = ["T"] }', "classic.source", ["T"]),
        (USE, 'techniques.classic = { source = ["S"], colour = 1 }', "classic", "colour"),
        (USE, "techniques.classic = 1", "classic", 1),
        (
            USE,
            'techniques.classic = { contraindicated = " ", source = ["S"] }',
            "contraindicated",
            " ",
        ),
        (USE, 'techniques.classic = { contraindicated = "x", source = [] }', "classic.source", []),
        (
            USE,
            'techniques.classic = { contraindicated = "x", source = ["S"], n = 1 }',
            "classic",
            "n",
        ),
        ("[zones.face]", "[zones.face]\ncolour = 1", "zones.face", "colour"),
        ("[zones.face]", "[zones.nose]", "zones.nose", "nose"),
        ("[zones.face]", "zones = 1\n[other]", "top level", "other"),
    ],
)
def test_a_malformed_catalog_names_the_key_and_the_value(
    old: str, new: str, where: str, value: object
) -> None:
    with pytest.raises(mesocalc.CatalogError) as info:
        mesocalc.parse_catalog(_with(old, new), origin="tiny.toml")
    assert where in info.value.parameter, info.value
    assert info.value.parameter.startswith("tiny.toml: ")
    assert info.value.value == value
    assert str(info.value)


SESSION = 'session = { points = 50, volume = 10, unit = "mL", source = ["S"], basis = "analogue", note = "n" }'


@pytest.mark.parametrize(
    ("session", "where", "value"),
    [
        ("session = 1", "session", 1),
        (SESSION.replace("points = 50", "points = 1.5"), "session.points", 1.5),
        (SESSION.replace("points = 50", "points = true"), "session.points", True),
        (SESSION.replace("points = 50", "points = 0"), "session.points", 0),
        (SESSION.replace('unit = "mL"', 'unit = "mm"'), "session.unit", "mm"),
        (SESSION.replace("volume = 10", "volume = 0"), "session.volume", 0.0),
        (SESSION.replace("volume = 10", 'volume = "10"'), "session.volume", "10"),
        (
            SESSION.replace('basis = "analogue"', 'basis = "unsourced"'),
            "session.basis",
            "unsourced",
        ),
        (SESSION.replace('basis = "analogue"', 'basis = "hearsay"'), "session.basis", "hearsay"),
        (SESSION.replace('note = "n"', "note = 1"), "session.basis", "analogue"),
        (SESSION.replace('note = "n"', 'note = ""'), "session.note", ""),
        (SESSION.replace('note = "n"', 'note = "n", hard = true'), "session.hard", True),
        (SESSION.replace('note = "n"', 'note = "n", hard = 1'), "session.hard", 1),
        (SESSION.replace('note = "n"', 'note = "n", colour = 1'), "session", "colour"),
        (SESSION.replace('source = ["S"]', "source = []"), "session.source", []),
    ],
)
def test_a_malformed_session_cap_names_the_key_and_the_value(
    session: str, where: str, value: object
) -> None:
    text = _with(USE, 'techniques.classic = { source = ["S"], ' + session + " }")
    with pytest.raises(mesocalc.CatalogError) as info:
        mesocalc.parse_catalog(text)
    assert where in info.value.parameter, info.value
    assert info.value.value == value


def test_a_session_cap_without_points_or_volume_is_refused() -> None:
    text = _with(USE, 'techniques.classic = { source = ["S"], session = { source = ["S"] } }')
    with pytest.raises(mesocalc.CatalogError, match="points or volume"):
        mesocalc.parse_catalog(text)


def test_a_good_session_cap_is_read_in_canonical_units() -> None:
    text = _with(USE, 'techniques.classic = { source = ["S"], ' + SESSION + " }")
    cap = mesocalc.parse_catalog(text).spec("classic", "face").session
    assert cap is not None
    assert (cap.max_points, cap.hard, cap.sources) == (50, False, ("S",))
    assert cap.max_volume_magnitude == pytest.approx(10)  # mL, the canonical volume unit


@pytest.mark.parametrize(
    ("snomed", "where", "value"),
    [
        (
            'snomed = { code = "89545001", source = ["S"], verified = 1 }',
            "zones.face.snomed",
            (1, ""),
        ),
        (
            'snomed = { code = "89545001", source = ["S"], note = 1 }',
            "zones.face.snomed",
            (True, 1),
        ),
        ("snomed = 1", "zones.face.snomed", 1),
    ],
)
def test_a_malformed_site_code_is_refused(snomed: str, where: str, value: object) -> None:
    with pytest.raises(mesocalc.CatalogError) as info:
        mesocalc.parse_catalog(_with("[zones.face]", "[zones.face]\n" + snomed))
    assert info.value.parameter.endswith(where)
    assert info.value.value == value


def test_the_text_must_be_text() -> None:
    with pytest.raises(mesocalc.CatalogError) as info:
        mesocalc.parse_catalog(b"format = 1")  # type: ignore[arg-type]
    assert (info.value.parameter, info.value.value) == ("text", b"format = 1")


def test_a_protocol_name_round_trips() -> None:
    protocol = default_catalog().protocol
    assert Protocol.from_dict(protocol.to_dict()) == protocol
    assert protocol.to_dict()["schema"].startswith("mesocalc.protocol_id")


def test_a_single_source_may_be_a_string_and_a_layer_may_be_omitted() -> None:
    text = _with(DEPTH, DEPTH.replace('source = ["S"]', 'source = "S"'))
    entry = mesocalc.parse_catalog(text.replace(LAYER + "\n", "")).spec("classic", "face")
    assert entry.depth.sources == ("S",)
    assert entry.layer is mesocalc.Layer.ANY
