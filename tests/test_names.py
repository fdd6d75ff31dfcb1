"""Names of techniques, zones and lattices: forgiving spelling, strict meaning."""

from __future__ import annotations

from typing import Any

import pytest

import mesocalc
from mesocalc import Lattice, Technique, Zone
from mesocalc._quantities.names import resolve


@pytest.mark.parametrize(
    ("text", "member"),
    [
        ("classic", Technique.CLASSIC),
        ("CLASSIC", Technique.CLASSIC),
        ("Point by point", Technique.POINT_BY_POINT),
        ("point_by_point", Technique.POINT_BY_POINT),
        ("intra epidermal", Technique.INTRA_EPIDERMAL),
        ("deep nappage", Technique.NAPPAGE_DEEP),
        ("Nappage-Superficial", Technique.NAPPAGE_SUPERFICIAL),
    ],
)
def test_techniques(text: str, member: Technique) -> None:
    assert resolve(Technique, text, "technique") is member


@pytest.mark.parametrize(
    ("text", "member"),
    [
        ("periorbital", Zone.EYELID),
        ("décolleté", Zone.DECOLLETE),
        ("Décolleté", Zone.DECOLLETE),
        ("double chin", Zone.SUBMENTAL),
        ("double_chin", Zone.SUBMENTAL),
        ("  Face ", Zone.FACE),
        ("THIGHS", Zone.THIGHS),
    ],
)
def test_zones_and_aliases(text: str, member: Zone) -> None:
    assert resolve(Zone, text, "zone") is member


def test_the_closed_sets() -> None:
    assert {t.value for t in Technique} >= {
        "classic",
        "nappage",
        "retrograde",
        "infiltration",
        "point-by-point",
        "papular",
        "intra-epidermal",
    }
    assert {z.value for z in Zone} == {
        "face",
        "eyelid",
        "neck",
        "decollete",
        "scalp",
        "submental",
        "hands",
        "abdomen",
        "flanks",
        "thighs",
        "buttocks",
        "arms",
        "back",
        "forearm",
        "knees",
    }
    assert {lat.value for lat in Lattice} == {"square", "hex"}
    assert str(Technique.CLASSIC) == "classic"


@pytest.mark.parametrize(
    ("kind", "text", "suggestion"),
    [
        (Technique, "clasic", "classic"),
        (Technique, "napage", "nappage"),
        (Zone, "eyelids ", "eyelid"),
        (Zone, "necks", "neck"),
        (Zone, "decolete", "decollete"),
        (Lattice, "hexa", "hex"),
    ],
)
def test_near_misses_get_a_suggestion(kind: type, text: str, suggestion: str) -> None:
    try:
        member: Any = resolve(kind, text, "name")
    except mesocalc.UnknownNameError as exc:
        assert suggestion in exc.suggestions
        assert f"did you mean {suggestion!r}" in str(exc) or suggestion in str(exc)
    else:
        assert member.value == suggestion


def test_unknown_names_list_what_is_known() -> None:
    with pytest.raises(mesocalc.UnknownNameError, match="^zone: got 'elbow'; expected one of"):
        resolve(Zone, "elbow", "zone")


@pytest.mark.parametrize("value", [None, 3, Zone.FACE, ["face"]])
def test_wrong_types(value: object) -> None:
    with pytest.raises(mesocalc.InputTypeError, match="^technique: "):
        resolve(Technique, value, "technique")
