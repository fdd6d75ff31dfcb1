"""Every number the docs state about the data is the data's (issue 18).

The docs state clinical numbers three ways, and each is checked:

* generated tables, written from the data files at each build (docs/_ext/mesocalc_docs.py):
  they cannot disagree with the data;
* executed examples (```pycon blocks, run by pytest as doctests);
* numbers in prose: each is in a phrase of ``CHECKED`` below, whose numbers must equal the
  data's, or of ``EXEMPT``, with the reason it is no number about the data.

A scan of the README, docs/guardrails.md, docs/catalog.md and docs/tables.md fails on a number
with a unit (or a decimal) in prose that neither table holds, so a new hand-stated number must
be checked, generated, or said exempt. Screening windows ("7 days") are checked by value.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

import pytest

import mesocalc
from mesocalc import Technique, Zone

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(mesocalc.__file__).parent
SCANNED = ("README.md", "docs/guardrails.md", "docs/catalog.md", "docs/tables.md")
# Where "N days" are screening windows: test_the_screening_windows_are_the_datas checks them.
WINDOWS_IN = ("README.md", "docs/guardrails.md")


def _site() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "mesocalc_docs", ROOT / "docs/_ext/mesocalc_docs.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SITE = _site()

# A number with a unit, as prose writes them: "1 mm", "2-2.5 mL", "6 x 4 cm", "45-60 degrees".
_UNIT = r"(?:mm|cm²|cm2|cm\^2|cm|mL|µL|uL|µm|um|deg|degrees|°|%|days?|U/mL|mg|injections)"
_RANGE = r"\d+(?:[.,]\d+)*(?:\s*(?:-|to|x|×)\s*\d+(?:[.,]\d+)*)*"
WITH_UNIT = re.compile(rf"(?<![\w.]){_RANGE}\s*{_UNIT}(?!\w)")
# A number with a decimal point, with or without a unit (a table cell: "0.521 to 1.64"); a
# date such as 08.07.2025 is none.
DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")
# A standalone number: not part of a source key (AAPS14) or a word.
NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")


def _numbers(text: str) -> list[float]:
    return [float(n.replace(",", "")) for n in NUMBER.findall(text)]


def _prose(text: str) -> str:
    """The text outside code: fenced blocks (executed or generated) and inline code go."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`\n]*`", " ", text)
    return " ".join(text.split())


def _read(doc: str) -> str:
    return " ".join((ROOT / doc).read_text(encoding="utf-8").split())


def _cited(key: str) -> list[float]:
    """The numbers of a source's citation gives in its closing parenthesis (what it states)."""
    citation = mesocalc.Catalog.default().sources[key]["citation"]
    found = re.search(r"\(([^()]*)\)\s*$", citation)
    assert found is not None, key
    return _numbers(found.group(1))


def _mag(value: Any, unit: str) -> float:
    return float(value.to(unit).magnitude)


def _spec(technique: str, zone: str) -> mesocalc.Spec:
    return mesocalc.spec(technique, zone)


def _course() -> dict[str, Any]:
    return tomllib.loads((DATA / "course.toml").read_text(encoding="utf-8"))


def _zone_caps() -> list[float]:
    """The depth cap of the eyelid, neck and decollete: one number when they agree."""
    book = mesocalc.Catalog.default()
    caps = {_mag(book.caps[z].high, "mm") for z in (Zone.EYELID, Zone.NECK, Zone.DECOLLETE)}
    return sorted(caps)


def _submental_area() -> list[float]:
    """The submental area the default plans use: the label's cap on its 1 cm grid."""
    entry = _spec("infiltration", "submental")
    assert entry.session is not None
    assert entry.spacing.nominal is not None
    grid = _mag(entry.spacing.nominal, "cm")
    assert entry.session.max_points is not None
    assert SITE.AREAS["submental"] == entry.session.max_points * grid**2
    return [SITE.AREAS["submental"], grid]


class Check(NamedTuple):
    doc: str
    phrase: str
    data: Callable[[], Sequence[float]]


CHECKED: list[Check] = [
    # README.md
    Check(
        "README.md",
        "AMIN's full face, 250 injections and 2.5 mL over 200 cm²",
        lambda: [
            _cited("AMIN")[1],
            round(_cited("AMIN")[1] * _cited("AMIN")[2], 6),
            SITE.AREAS["face"],
        ],
    ),
    Check(
        "README.md",
        "7-10 days between sessions",
        lambda: [
            float(_course()["interval"]["low"]),
            float(_course()["interval"]["high"]),
        ],
    ),
    Check("README.md", "1 mm on the eyelid", lambda: [_zone_caps()[0]]),
    # docs/catalog.md
    Check(
        "docs/catalog.md",
        '"no more than 1 mm" on the eyelid, neck and décolleté',
        _zone_caps,
    ),
    Check(
        "docs/catalog.md",
        "AMIN's 1 cm and 0.01 mL for classic injections over the face",
        lambda: [
            _mag(_spec("classic", "face").spacing.nominal, "cm"),
            _mag(_spec("classic", "face").volume_per_point.nominal, "mL"),
        ],
    ),
    Check(
        "docs/catalog.md",
        "the mesogun droplet of 1 mL / 1,000 (AAPS14) for nappage",
        lambda: [1, round(1 / _mag(_spec("nappage", "face").volume_per_point.nominal, "mL"))],
    ),
    Check(
        "docs/catalog.md",
        "classic's angle, 45-60 degrees, gives 52.5",
        lambda: [
            _mag(_spec("classic", "face").angle.low, "deg"),
            _mag(_spec("classic", "face").angle.high, "deg"),
            _mag(_spec("classic", "face").angle.nominal, "deg"),
        ],
    ),
    Check(
        "docs/catalog.md",
        "classic on the neck: 1 mm",
        lambda: [_mag(_spec("classic", "neck").depth.nominal, "mm")],
    ),
    Check(
        "docs/catalog.md",
        'The loss fraction of nappage is given as "up to 50 %"',
        lambda: [100 * _spec("nappage", "face").loss_fraction.high],
    ),
    Check(
        "docs/catalog.md",
        "papular points about 10 mm apart, MESO-ES",
        lambda: [_mag(_spec("papular", "face").spacing.nominal, "mm")],
    ),
    Check(
        "docs/catalog.md",
        "The face is 200 cm², the lower end of AMIN's full face (200-250 injections at 1 cm)",
        lambda: [SITE.AREAS["face"], *_cited("AMIN")[:2], _cited("AMIN")[3]],
    ),
    Check(
        "docs/catalog.md",
        "the scalp 24 cm², LEGIA23's 6 x 4 cm field",
        lambda: [SITE.AREAS["scalp"], *_cited("LEGIA23")[1:3]],
    ),
    Check(
        "docs/catalog.md",
        "the submental zone 50 cm², the most the deoxycholic acid label allows on its 1 cm grid",
        _submental_area,
    ),
    Check(
        "docs/catalog.md",
        "Published full-face sessions inject about 2-2.5 mL (AMIN",
        lambda: [round(n * _cited("AMIN")[2], 6) for n in _cited("AMIN")[:2]],
    ),
    # docs/tables.md: the areas of the default plans, as docs/catalog.md gives them
    Check(
        "docs/tables.md",
        "the face is 200 cm², the lower end of AMIN's full face (200-250 injections at 1 cm)",
        lambda: [SITE.AREAS["face"], *_cited("AMIN")[:2], _cited("AMIN")[3]],
    ),
    Check(
        "docs/tables.md",
        "the scalp 24 cm², LEGIA23's 6 x 4 cm field",
        lambda: [SITE.AREAS["scalp"], *_cited("LEGIA23")[1:3]],
    ),
    Check(
        "docs/tables.md",
        "the submental zone 50 cm², the most the deoxycholic acid label allows on its 1 cm grid",
        _submental_area,
    ),
    # docs/protocols.md
    Check(
        "docs/protocols.md",
        "JOVE-PRP: scalp PRP at 5 mm depth, 0.2 mL per cm²",
        lambda: _cited("JOVE-PRP"),
    ),
    Check(
        "docs/protocols.md",
        "LEGIA23: 1 mL over a 6 x 4 cm field of scalp. RITTES03: about 5 mL spread over 80 cm²",
        lambda: [*_cited("LEGIA23"), *_cited("RITTES03")],
    ),
]

# Numbers in prose that are no number about a zone, technique, product or screening rule.
EXEMPT: dict[tuple[str, str], str] = {
    ("README.md", "over 40 cm² of face"): "the example command's area",
    ("README.md", "an area of -1 cm², a depth of 0 mm, an angle beyond 90°"): "the domain",
    ("README.md", "the same forehead at 7.5 mm"): "the pictured plan's spacing (make_images.py)",
    ("docs/catalog.md", "a test keeps every default full-face plan under 5 mL"): (
        "the threshold of test_a_default_plan_of_a_full_face_injects_at_most_5_ml"
    ),
    ("docs/catalog.md", "an angle above 90 degrees"): "the geometry's domain, not data",
    ("docs/guardrails.md", '("Warfarin 5 mg", "Aspirin 81 mg")'): (
        "examples of how a clinic writes a medication, which screening reads past"
    ),
}


@pytest.mark.parametrize("check", CHECKED, ids=lambda c: f"{c.doc}: {c.phrase[:40]}")
def test_each_stated_number_is_the_datas(check: Check) -> None:
    assert check.phrase in _read(check.doc), f"{check.doc} no longer says {check.phrase!r}"
    stated = _numbers(check.phrase)
    assert stated == pytest.approx(list(check.data())), check.phrase


@pytest.mark.parametrize("doc", SCANNED)
def test_every_number_in_the_prose_is_checked_or_exempt(doc: str) -> None:
    """A number with a unit in prose must lie inside a checked or exempt phrase."""
    prose = _prose((ROOT / doc).read_text(encoding="utf-8"))
    covered = [c.phrase for c in CHECKED if c.doc == doc]
    covered += [phrase for (where, phrase) in EXEMPT if where == doc]
    spans = [
        (m.start(), m.end()) for phrase in covered for m in re.finditer(re.escape(phrase), prose)
    ]
    unchecked = []
    for m in [*WITH_UNIT.finditer(prose), *DECIMAL.finditer(prose)]:
        if "day" in m.group(0) and doc in WINDOWS_IN:
            continue  # the screening windows: test_the_screening_windows_are_the_datas
        if not any(start <= m.start() and m.end() <= end for start, end in spans):
            unchecked.append(f"{m.group(0)!r} in ...{prose[max(0, m.start() - 60) : m.end()]}")
    assert unchecked == [], "\n".join(unchecked)


@pytest.mark.parametrize("doc", WINDOWS_IN)
def test_the_screening_windows_are_the_datas(doc: str) -> None:
    """Every "N days" the doc states is a window of the data (screening, course) or a source's."""
    rules = tomllib.loads((DATA / "screening.toml").read_text(encoding="utf-8"))
    windows = {float(m["days"]) for m in rules.get("medications", {}).values() if "days" in m}
    windows |= {float(_course()["interval"][k]) for k in ("low", "high")}
    stated_by_sources = set(_cited("THECLINIC"))
    prose = _prose((ROOT / doc).read_text(encoding="utf-8"))
    for m in WITH_UNIT.finditer(prose):
        if "day" in m.group(0):
            for n in _numbers(m.group(0)):
                assert n in windows | stated_by_sources, m.group(0)


def test_the_scan_flags_an_unchecked_number() -> None:
    prose = _prose("The eyelid's skin is 0.521-1.64 mm thick. `depth='3 mm'`\n```\n4 mm\n```")
    assert [m.group(0) for m in WITH_UNIT.finditer(prose)] == ["0.521-1.64 mm"]
    table = _prose("| eyelid | 0.521 to 1.64 | LEEHWANG02 | reviewed 08.07.2025 |")
    assert [m.group(0) for m in DECIMAL.finditer(table)] == ["0.521", "1.64"]
    assert _numbers("LEGIA23's 6 x 4 cm, seed 003's 1,000") == [6, 4, 3, 1000]


def test_the_generated_guardrail_tables_are_the_catalogs() -> None:
    """The tables docs/guardrails.md includes: spot checks against the data they are read from."""
    tables = SITE.guardrail_tables()
    book = mesocalc.Catalog.default()
    skin = tables["guardrails-skin.rst"]
    eyelid = book.skin[Zone.EYELID].skin
    assert eyelid is not None
    assert f"   * - eyelid\n     - {eyelid.describe()}\n" in skin
    layers = tables["guardrails-layers.rst"]
    for technique in Technique:
        spec = next(e for (t, _), e in book.entries.items() if t is technique)
        assert f"   * - {technique.value}\n     - {spec.layer.value}\n" in layers
    depths = tables["guardrails-zone-depths.rst"]
    thighs = _spec("nappage-median", "thighs").depth.describe()
    assert f"   * - thighs\n     - nappage-median\n     - {thighs}\n" in depths
    caps = tables["guardrails-caps.rst"]
    cap = _spec("infiltration", "submental").session
    assert cap is not None
    assert f"at most {cap.max_points} injections" in caps
    for name in tables:
        assert f"_generated/{name}" in (ROOT / "docs/guardrails.md").read_text(encoding="utf-8")
