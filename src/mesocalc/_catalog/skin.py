"""Skin by patient: a site's full skin thickness for a sex and an age, where a source gives it.

A zone's skin range spans everyone: the face's runs from women's to men's skin. Where a
source measured a group (US50: 200 adults aged 20-29, by sex, at 50 MHz), a plan told
the patient's sex and age takes the group's figure on the site as its skin-layer limit,
which only ever narrows the zone's. Outside the groups measured the zone's range holds,
and :func:`group_skin` says why in words the plan's warning uses: women's skin thins
with age (MENG22), but no source gives figures by age, so none is made up. The figures
live in ``skin.toml``.
"""

from __future__ import annotations

import tomllib
from typing import Any, Final

import attrs

from mesocalc._catalog.catalog import default_catalog
from mesocalc._catalog.entries import Basis, Range
from mesocalc._catalog.sites import SiteRecord, site_records
from mesocalc._engine import engine as _engine
from mesocalc._engine.files import read_text
from mesocalc._quantities.names import Sex
from mesocalc._quantities.units import Dim
from mesocalc._records.structuring import Reader
from mesocalc.exceptions import CatalogError

__all__ = ["Figure", "GroupSkin", "group_skin", "parse_skin"]

_READ: Final = Reader(CatalogError, "skin.toml", keys_in_table=False)
_GROUP_KEYS: Final = frozenset({"ages", "method", "source"})
_FIGURE_KEYS: Final = frozenset({"site", "part", "group", *(s.value for s in Sex)})
_VALUE_KEYS: Final = frozenset({"value", "unit", "source", "basis", "note"})
_MAX_AGE: Final = 130  # years: a bound on human ages, not a clinical number
_MAX_SKIN: Final = 100.0  # mm: no skin is 10 cm thick; more is a typing error
_AGES: Final = f"whole years from 0 to {_MAX_AGE}, low <= high"
# Women's skin thins with age; no source gives figures by age (MENG22, 118 adults).
_THINS: Final = "women's skin thins with age (MENG22), by no published figure"


@attrs.frozen(kw_only=True)
class GroupSkin:
    """A group's full skin on a site (the figure that bounds a skin technique), or why none.

    ``skin`` is a Range of the one figure (low = high) in mm, or None where no source
    measured the patient's group on the site; ``words`` then says why, else whose skin it
    is ("women aged 20-29 (cheek, 50 MHz ultrasound, 200 adults aged 20-29)").
    ``sources`` are the keys the words rely on.
    """

    skin: Range | None
    words: str
    sources: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Figure:
    """One part of a site a source measured, for one age group: a figure per sex."""

    site: str
    part: str
    ages: tuple[int, int]
    method: str
    sources: tuple[str, ...]  # the group's
    by_sex: dict[Sex, Range] = attrs.field(eq=False)


def parse_skin(text: str, sites: tuple[SiteRecord, ...], known: Any) -> tuple[Figure, ...]:
    """The figures of a ``skin.toml`` text, checked against the ``sites`` and source keys.

    Raises:
        CatalogError: a malformed file, an unknown site, group, key or source, a figure
            that is not a positive length, or ages out of order; the error names the key.
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError("skin.toml", "...", "a TOML file", str(exc)) from None
    _READ.keys(doc, {"groups", "figures"}, "")
    groups: dict[str, tuple[tuple[int, int], str, tuple[str, ...]]] = {}
    for key, raw in _READ.table(doc.get("groups"), "groups", "a table of groups").items():
        where = f"groups.{key}"
        entry = _READ.table(raw, where)
        _READ.keys(entry, _GROUP_KEYS, where)
        ages = _READ.table(entry.get("ages"), f"{where}.ages", _AGES)
        _READ.keys(ages, {"low", "high"}, f"{where}.ages", _AGES)
        low = _READ.whole(ages.get("low"), f"{where}.ages.low", _AGES)
        high = _READ.whole(ages.get("high"), f"{where}.ages.high", _AGES)
        if not 0 <= low <= high <= _MAX_AGE:
            raise _READ.fail(f"{where}.ages", [low, high], _AGES)
        method = _READ.text(entry.get("method"), f"{where}.method", "words", blank=False)
        sources = _READ.sources(entry.get("source"), known, f"{where}.source", "source keys")
        groups[key] = ((low, high), method, sources)
    names = {s.name for s in sites}
    figures = []
    rows = doc.get("figures")
    if not isinstance(rows, list) or not rows:
        raise _READ.fail("figures", rows, "a list of figures ([[figures]])")
    for i, raw in enumerate(rows):
        where = f"figures[{i}]"
        entry = _READ.table(raw, where)
        _READ.keys(entry, _FIGURE_KEYS, where)
        site = _READ.choice(entry.get("site"), names, f"{where}.site", "a site of sites.toml")
        group = _READ.choice(entry.get("group"), groups, f"{where}.group", "a key of [groups]")
        part = _READ.text(entry.get("part"), f"{where}.part", "words", blank=False)
        by_sex = {
            sex: _value(entry[sex.value], f"{where}.{sex.value}", known)
            for sex in Sex
            if sex.value in entry
        }
        if not by_sex:
            raise _READ.fail(where, entry, "a figure for at least one sex")
        span, method, sources = groups[group]
        figures.append(
            Figure(site=site, part=part, ages=span, method=method, sources=sources, by_sex=by_sex)
        )
    return tuple(figures)


def _value(raw: Any, where: str, known: Any) -> Range:
    entry = _READ.table(raw, where, "a table of value, unit and source")
    _READ.keys(entry, _VALUE_KEYS, where)
    factor = _READ.unit(entry.get("unit"), Dim.LENGTH, f"{where}.unit", "a length unit")
    value = _READ.number(entry.get("value"), f"{where}.value", "a positive length") * factor
    if not 0 < value < _MAX_SKIN:
        raise _READ.fail(f"{where}.value", entry.get("value"), "a positive length below 10 cm")
    sources = _READ.sources(entry.get("source"), known, f"{where}.source", "source keys")
    basis = _READ.member(Basis, entry.get("basis", "stated"), f"{where}.basis")
    note = _READ.text(entry.get("note", ""), f"{where}.note")
    if basis is not Basis.STATED and not note:
        raise _READ.fail(f"{where}.note", note, "a note saying how the figure was found")
    return Range(
        parameter="skin",
        low_magnitude=value,
        high_magnitude=value,
        sources=sources,
        basis=basis,
        note=note,
    )


@_engine.cached()
def _figures() -> tuple[Figure, ...]:
    return parse_skin(read_text("skin.toml"), site_records(), default_catalog().sources)


_WORDS: Final = {Sex.FEMALE: "women", Sex.MALE: "men"}


def group_skin(site: SiteRecord, sex: Sex | None, age: float | None) -> GroupSkin:
    """The group's skin on ``site``, or why there is none (the zone's range then holds).

    A site measured in several parts (the eyelid and the canthus) takes the thickest.
    """
    mine = [f for f in _figures() if f.site == site.name]
    if not mine:
        return GroupSkin(
            skin=None, words=f"no source measures the skin of the {site.name} by sex and age"
        )
    groups = "; ".join(dict.fromkeys(f.method for f in mine))
    measured = tuple(dict.fromkeys(k for f in mine for k in f.sources))
    if sex is None:
        why = f"the patient's sex is not given (measured by sex: {groups})"
        return GroupSkin(skin=None, words=why, sources=measured)
    if age is None:
        why = f"the patient's age is not given (measured: {groups})"
        return GroupSkin(skin=None, words=why, sources=measured)
    fits = [f for f in mine if sex in f.by_sex and f.ages[0] <= age < f.ages[1] + 1]
    if not fits:
        why = f"no source measures {_WORDS[sex]} aged {age:g} (measured: {groups})"
        if sex is Sex.FEMALE:
            return GroupSkin(skin=None, words=f"{why}; {_THINS}", sources=(*measured, "MENG22"))
        return GroupSkin(skin=None, words=why, sources=measured)
    thickest = max(fits, key=lambda f: f.by_sex[sex].high_magnitude)
    low, high = thickest.ages
    figure = thickest.by_sex[sex]
    return GroupSkin(
        skin=figure,
        words=f"{_WORDS[sex]} aged {low}-{high} ({thickest.part}, {thickest.method})",
        sources=figure.sources,
    )
