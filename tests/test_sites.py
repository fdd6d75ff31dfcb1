"""Named sites: each in one shipped zone, found by name or alias, coded only where verified."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mesocalc
from mesocalc._catalog.catalog import default_catalog
from mesocalc._catalog.sites import parse_sites
from mesocalc._quantities.codes import is_concept_id
from mesocalc.exceptions import CatalogError, InputTypeError, UnknownNameError

SITES = mesocalc.sites()
# The sites a clinic charts on (the face, the neck and the body), as the tracker lists them.
REQUIRED = {
    "forehead": "face",
    "glabella": "face",
    "temple": "face",
    "periorbital": "eyelid",
    "cheek": "face",
    "nasolabial": "face",
    "perioral": "face",
    "chin": "face",
    "jawline": "face",
    "submental": "submental",
    "neck-anterior": "neck",
    "neck-lateral": "neck",
    "decollete": "decollete",
    "scalp-frontal": "scalp",
    "scalp-vertex": "scalp",
    "scalp-occipital": "scalp",
    "hand-dorsum": "hands",
    "abdomen-upper": "abdomen",
    "abdomen-lower": "abdomen",
    "periumbilical": "abdomen",
    "flank": "flanks",
    "buttock": "buttocks",
    "thigh-anterior": "thighs",
    "thigh-lateral": "thighs",
    "thigh-posterior": "thighs",
    "knee": "knees",
    "upper-arm": "arms",
    "back": "back",
}
MIDLINE = {"forehead", "glabella", "chin", "submental", "perioral", "neck-anterior", "back"}


def test_every_required_site_is_there_in_its_zone() -> None:
    assert {s.name: s.zone.value for s in SITES} == REQUIRED


def test_midline_sites_are_not_paired_and_the_cheek_is() -> None:
    paired = {s.name: s.paired for s in SITES}
    assert not any(paired[name] for name in MIDLINE)
    assert paired["cheek"]
    assert paired["periorbital"]


def test_the_periorbital_site_has_the_eyelids_limits() -> None:
    site = mesocalc.Site.named("periorbital")
    assert site.zone is mesocalc.Zone.EYELID


def test_a_code_is_a_valid_concept_from_a_catalog_source_else_the_reason_is_given() -> None:
    sources = set(default_catalog().sources)
    for site in SITES:
        if site.code is None:
            assert site.no_code
        else:
            assert is_concept_id(site.code.code), site.name
            assert set(site.code.sources) <= sources, site.name
            assert site.code.verified
            assert not site.no_code


def test_the_submental_code_no_source_confirms_is_not_given() -> None:
    site = mesocalc.Site.named("submental")
    assert site.code is None
    assert "170887008" in site.no_code


@given(
    st.sampled_from([(s, n) for s in SITES for n in (s.name, *s.aliases)]),
    st.sampled_from([str.upper, str.title, lambda n: n.replace("-", " "), lambda n: f"  {n} "]),
)
def test_a_site_is_found_by_its_name_or_alias_however_written(pair: Any, spell: Any) -> None:
    site, name = pair
    assert mesocalc.Site.named(spell(name)) is site


def test_an_unknown_site_suggests_the_nearest() -> None:
    with pytest.raises(UnknownNameError) as info:
        mesocalc.Site.named("cheeck")
    assert info.value.parameter == "site"
    assert info.value.suggestions[0] == "cheek"


@pytest.mark.parametrize(
    ("name", "error"),
    [
        (None, InputTypeError),
        (3, InputTypeError),
        (mesocalc.Zone.FACE, UnknownNameError),  # a zone is not a site
        ("x" * 10**6, UnknownNameError),
        ("cheek" + "\ud800", UnknownNameError),
        ("", UnknownNameError),
    ],
)
def test_a_bad_site_name_is_a_mesocalc_error_naming_site(
    name: Any, error: type[Exception]
) -> None:
    with pytest.raises(error) as info:
        mesocalc.Site.named(name)
    assert info.value.parameter == "site"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "parameter"),
    [
        ("sites = 3", "sites"),
        ("[sites]", "sites"),
        ("[sites.a]\nzone = 'face'", "sites.a.paired"),
        ("[sites.a]\nzone = 'no-such-zone'\npaired = true\nno_code = 'x'", "sites.a.zone"),
        ("[sites.a]\nzone = 'lips-added'\npaired = true\nno_code = 'x'", "sites.a.zone"),
        ("[sites.a]\nzone = ['face']\npaired = true\nno_code = 'x'", "sites.a.zone"),
        ("[sites.a]\nzone = 'face'\npaired = 1\nno_code = 'x'", "sites.a.paired"),
        ("[sites.a]\nzone = 'face'\npaired = true", "sites.a.no_code"),
        ("[sites.a]\nzone = 'face'\npaired = true\nno_code = 'x'\nside = 1", "sites.a.side"),
        (
            "[sites.a]\nzone = 'face'\npaired = true\naliases = 'b'\nno_code = 'x'",
            "sites.a.aliases",
        ),
        ("[sites.a]\nzone = 'face'\npaired = true\ncode = { code = 1 }", "sites.a.code.code"),
        ("[sites.a]\nzone = 'face'\npaired = true\ncode = { code = '1' }", "sites.a.code.source"),
        (
            "[sites.a]\nzone = 'face'\npaired = true\ncode = { code = '1', source = ['X'] }\n"
            "no_code = 'x'",
            "sites.a.no_code",
        ),
        (
            "[sites.a]\nzone = 'face'\npaired = true\nno_code = 'x'\n"
            "[sites.b]\nzone = 'face'\npaired = true\nno_code = 'x'\naliases = ['A']",
            "sites.b",
        ),
        ("sites = [", "sites.toml"),
        ("[sites.a]\nzone = 'face'\npaired = true\ncode = [1]", "sites.a.code"),
        (
            "[sites.a]\nzone = 'face'\npaired = true\ncode = { code = 'x1', source = ['X'] }",
            "sites.a.code.code",
        ),
        (
            "[sites.a]\nzone = 'face'\npaired = true\ncode = { code = '1', source = [] }",
            "sites.a.code.source",
        ),
        (
            "[sites.a]\nzone = 'face'\npaired = true\ncode = { code = '1', source = ['X'], note = 1 }",
            "sites.a.code.note",
        ),
        ("[sites]\na = 1", "sites.a"),
    ],
)
def test_a_malformed_sites_file_is_a_catalog_error_naming_the_key(
    text: str, parameter: str
) -> None:
    with pytest.raises(CatalogError) as info:
        parse_sites(text)
    assert info.value.parameter == parameter
