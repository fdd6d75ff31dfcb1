"""Skin by patient: a site's full skin for a sex and an age group, where a source measures it."""

from __future__ import annotations

import pytest

import mesocalc
from mesocalc._catalog.catalog import default_catalog
from mesocalc._catalog.skin import Figure, group_skin, parse_skin
from mesocalc._engine.files import read_text
from mesocalc._quantities.names import Sex

# Full skin at 50 MHz, 200 adults aged 20-29 (US50): women, then men, in mm.
US50 = {
    "forehead": (1.86, 2.45),
    "periorbital": (1.36, 1.64),  # the canthus, the thicker of the periorbital parts measured
    "cheek": (1.90, 2.53),
}


@pytest.mark.parametrize("site", sorted(US50))
@pytest.mark.parametrize("age", [20, 25, 29, 29.5])
def test_the_measured_group_gets_its_figure(site: str, age: float) -> None:
    women, men = US50[site]
    for sex, figure in ((Sex.FEMALE, women), (Sex.MALE, men)):
        found = group_skin(mesocalc.Site.named(site), sex, age)
        assert found.skin is not None
        assert found.skin.high_magnitude == figure
        assert found.skin.sources == ("US50",)
        assert found.sources == ("US50",)
        assert "aged 20-29" in found.words


def test_the_eyelid_figure_is_there_and_the_thicker_canthus_bounds_the_site() -> None:
    figures = parse_skin(read_text("skin.toml"), mesocalc.sites(), default_catalog().sources)
    eyelid = [f for f in figures if f.site == "periorbital" and f.part == "eyelid"]
    assert [f.by_sex[Sex.FEMALE].high_magnitude for f in eyelid] == [1.24]
    assert [f.by_sex[Sex.MALE].high_magnitude for f in eyelid] == [1.44]


@pytest.mark.parametrize(
    ("site", "sex", "age", "words", "sources"),
    [
        ("cheek", Sex.FEMALE, 19, "no source measures women aged 19", ("US50", "MENG22")),
        ("cheek", Sex.FEMALE, 45, "women's skin thins with age (MENG22)", ("US50", "MENG22")),
        ("cheek", Sex.MALE, 45, "no source measures men aged 45", ("US50",)),
        ("cheek", Sex.MALE, 30, "no source measures men aged 30", ("US50",)),
        ("cheek", None, 25, "the patient's sex is not given", ("US50",)),
        ("forehead", Sex.MALE, None, "the patient's age is not given", ("US50",)),
        ("temple", Sex.FEMALE, 25, "no source measures the skin of the temple", ()),
        ("abdomen-lower", Sex.MALE, 25, "no source measures the skin of", ()),
    ],
)
def test_outside_the_measured_groups_there_is_no_figure_and_words_say_why(
    site: str, sex: Sex | None, age: float | None, words: str, sources: tuple[str, ...]
) -> None:
    found = group_skin(mesocalc.Site.named(site), sex, age)
    assert found.skin is None
    assert words in found.words
    assert found.sources == sources
    if sex is Sex.MALE:
        assert "MENG22" not in found.words  # the thinning with age is said of women's skin


GOOD = """
[groups.G]
ages = { low = 20, high = 29 }
method = "50 MHz ultrasound"
source = ["US50"]

[[figures]]
site = "cheek"
part = "cheek"
group = "G"
female = { value = 1.9, unit = "mm", source = ["US50"] }
"""


def _parsed(text: str) -> tuple[Figure, ...]:
    return parse_skin(text, mesocalc.sites(), default_catalog().sources)


def test_a_good_file_parses() -> None:
    (figure,) = _parsed(GOOD)
    assert figure.by_sex[Sex.FEMALE].high_magnitude == 1.9


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("[groups.G]", "[groups.G", "skin.toml"),
        ("[groups.G]", "[extra]\n[groups.G]", "extra"),
        ("low = 20", "low = 40", "groups.G.ages"),
        ("low = 20", "low = -1", "groups.G.ages"),
        ("low = 20", "low = 20.5", "groups.G.ages.low"),
        ("ages = {", "age = {", "groups.G.age"),
        ('method = "50 MHz ultrasound"', 'method = " "', "groups.G.method"),
        ('source = ["US50"]\n\n', 'source = ["NOPE"]\n\n', "groups.G.source"),
        ('site = "cheek"', 'site = "cheeks-of-the-moon"', "figures[0].site"),
        ('group = "G"', 'group = "H"', "figures[0].group"),
        ('part = "cheek"', "part = 3", "figures[0].part"),
        ('female = { value = 1.9, unit = "mm", source = ["US50"] }', "", "figures[0]"),
        ("value = 1.9", "value = 0", "figures[0].female.value"),
        ("value = 1.9", "value = 150", "figures[0].female.value"),
        ("value = 1.9", 'value = "1.9"', "figures[0].female.value"),
        ('unit = "mm"', 'unit = "mL"', "figures[0].female.unit"),
        (
            'source = ["US50"] }',
            'source = ["US50"], basis = "derived" }',
            "figures[0].female.note",
        ),
        (
            'source = ["US50"] }',
            'source = ["US50"], basis = "guessed" }',
            "figures[0].female.basis",
        ),
        ('source = ["US50"] }', 'source = ["US50"], colour = 1 }', "figures[0].female.colour"),
        ("female = {", "other = {", "figures[0].other"),
        (
            'female = { value = 1.9, unit = "mm", source = ["US50"] }',
            "female = 3",
            "figures[0].female",
        ),
        ("[[figures]]", "[[figure]]", "figure"),
    ],
)
def test_a_bad_file_is_a_catalog_error_naming_the_key(old: str, new: str, where: str) -> None:
    assert old in GOOD
    with pytest.raises(mesocalc.CatalogError) as info:
        _parsed(GOOD.replace(old, new, 1))
    assert where in info.value.parameter


def test_a_file_without_figures_or_groups_is_refused() -> None:
    with pytest.raises(mesocalc.CatalogError) as info:
        _parsed(GOOD.split("[[figures]]", maxsplit=1)[0])
    assert "figures" in info.value.parameter
    with pytest.raises(mesocalc.CatalogError) as info:
        _parsed("figures = []")
    assert "groups" in info.value.parameter
