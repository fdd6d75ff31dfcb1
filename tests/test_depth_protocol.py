"""The protocol reader's refusals the other tests leave out, and its never-wider rules."""

from __future__ import annotations

import pytest

import mesocalc
from mesocalc._catalog.catalog import Catalog
from mesocalc._catalog.protocol import MAX_PROTOCOL_BYTES, _never_wider
from tests.test_depth_catalog import LAYER, MINIMAL, USE

HEADER = 'format = 1\nname = "Clinic C"\nversion = "1"\n'


def _protocol(body: str) -> Catalog:
    return mesocalc.parse_protocol(HEADER + body, origin="clinic-c.toml")


@pytest.mark.parametrize(
    ("body", "where", "value"),
    [
        ("sources = 1\n", "sources", 1),
        ("techniques = 1\n", "techniques", 1),
        ("[techniques.classic]\ndescription = 'mine'\n", "techniques.classic.description", "mine"),
        (
            '[techniques.sculpting]\ndepth = { low = 1, high = 2, unit = "mm" }\n',
            "techniques.sculpting",
            "sculpting",
        ),
        ('[zones.face]\nsnomed = "89545001"\n', "zones.face.snomed", "89545001"),
        ("[zones.face]\ncolour = 1\n", "zones.face.colour", 1),
        ("[zones.face.techniques]\nclassic = 1\n", "zones.face.techniques.classic", 1),
        ("[zones.face.techniques.classic]\nlayer = 1\n", "zones.face.techniques.classic.layer", 1),
    ],
)
def test_a_malformed_protocol_names_the_key_and_the_value(
    body: str, where: str, value: object
) -> None:
    with pytest.raises(mesocalc.CatalogError) as info:
        _protocol(body)
    assert info.value.parameter == f"clinic-c.toml: {where}"
    assert info.value.value == value


def test_protocol_text_must_be_text_and_not_too_long() -> None:
    for text in (b"format = 1", "#" * (MAX_PROTOCOL_BYTES + 1)):
        with pytest.raises(mesocalc.CatalogError) as info:
            mesocalc.parse_protocol(text)  # type: ignore[arg-type]
        assert info.value.parameter == "protocol"
        assert f"{MAX_PROTOCOL_BYTES:,}" in info.value.expected


def test_a_protocol_narrows_a_technique_everywhere_and_adds_sources_to_a_range() -> None:
    book = _protocol(
        '[techniques.classic]\nangle = { low = 50, high = 60, unit = "deg", source = ["SEED3"] }\n'
        '[zones.face.techniques.classic]\nvolume_per_point = { nominal = 0.02, source = ["AMIN"] }\n'
    )
    face = book.spec("classic", "face")
    assert face.angle.describe() == "50 to 60 deg"
    assert face.volume_per_point.nominal.to("mL").magnitude == pytest.approx(0.02)
    assert face.volume_per_point.sources == ("SEED3", "AMIN")
    assert book.spec("classic", "hands").angle.low.to("deg").magnitude == 50


def test_a_protocol_may_contraindicate_a_published_use() -> None:
    book = _protocol(
        '[zones.face.techniques.nappage]\ncontraindicated = "clinic rule 4"\nsource = ["SEED3"]\n'
    )
    with pytest.raises(mesocalc.HardLimitError, match="clinic rule 4") as info:
        book.spec("nappage", "face")
    assert info.value.source == "SEED3"


# The shipped catalog has no hard session cap and no protocol can change a layer, so these
# rules of _never_wider are checked on two small catalogs, the first standing for the shipped.

HARD = 'session = { points = 50, volume = 10, unit = "mL", source = ["S"] }'


def _book(use: str = USE, layer: str = LAYER) -> Catalog:
    return mesocalc.parse_catalog(MINIMAL.replace(USE, use).replace(LAYER, layer), origin="x")


def _with_session(session: str) -> Catalog:
    return _book('techniques.classic = { source = ["S"], ' + session + " }")


@pytest.mark.parametrize(
    "after",
    [
        USE,  # the cap dropped
        HARD.replace("points = 50", "points = 51"),
        HARD.replace("points = 50, ", ""),
        HARD.replace("volume = 10", "volume = 11"),
        HARD.replace('volume = 10, unit = "mL", ', ""),
        HARD.replace('source = ["S"]', 'source = ["S"], basis = "analogue", note = "n"'),
    ],
)
def test_a_hard_session_cap_is_never_widened(after: str) -> None:
    shipped = _with_session(HARD)
    book = _book(after) if after == USE else _with_session(after)
    with pytest.raises(mesocalc.CatalogError) as info:
        _never_wider(shipped, book, "clinic.toml")
    assert info.value.parameter == "clinic.toml: zones.face.techniques.classic.session"


def test_a_tighter_hard_session_cap_is_kept() -> None:
    shipped = _with_session(HARD)
    _never_wider(shipped, _with_session(HARD.replace("points = 50", "points = 40")), "c")
    _never_wider(shipped, shipped, "c")


def test_a_technique_keeps_its_layer_and_a_published_use_stays_published() -> None:
    with pytest.raises(mesocalc.CatalogError) as info:
        _never_wider(_book(), _book(layer=LAYER.replace('"skin"', '"any"')), "c")
    assert (info.value.parameter, info.value.value) == (
        "c: zones.face.techniques.classic.layer",
        "any",
    )
    unpublished = mesocalc.parse_catalog(
        MINIMAL.replace(USE, "").replace("[zones.face]", "[zones.face]\n[zones.neck]\n" + USE)
    )
    with pytest.raises(mesocalc.CatalogError) as info:
        _never_wider(_book(), unpublished, "c")
    assert info.value.parameter == "c: zones.face.techniques.classic"
