"""Sites: named places on a person (the cheek, the anterior thigh), each in one zone.

Clinics chart where an injection goes by site and side; mesocalc's limits belong to
zones. A site ties the two: the periorbital site is in the eyelid's zone, so calling
it anything else cannot escape the eyelid's limits. ``sites.toml`` lists them, with
whether the body has a left and a right of each and the site's SNOMED CT code where
a source verifies one.
"""

from __future__ import annotations

import difflib
from typing import Any, Final

import attrs

from mesocalc._engine import engine as _engine
from mesocalc._engine.files import read_text
from mesocalc._quantities.codes import SiteCode
from mesocalc._quantities.names import Side, Zone, folded, resolve
from mesocalc._records import codec as _codec
from mesocalc._records.structuring import Reader
from mesocalc.exceptions import (
    CatalogError,
    InputTypeError,
    InvalidValueError,
    UnknownNameError,
)

__all__ = ["Location", "SiteRecord", "side_of", "site_of", "site_records"]

_KEYS: Final = frozenset({"zone", "paired", "aliases", "code", "no_code"})
_CODE_KEYS: Final = frozenset({"code", "source", "note"})
_MAX_NAME: Final = 64


@attrs.frozen(kw_only=True)
class SiteRecord:
    """A named site as the catalog reads it: its zone, whether it is paired, its code.

    The public :class:`mesocalc.Site` (``_geometry.templates``) extends this record
    with the site's outline and keep-outs; the catalog, a layer below geometry, knows only
    the record (docs/adr/0016-site-geometry.md).

    Attributes:
        name: the site's name, as ``plan(site=...)`` and charts spell it.
        zone: the catalog zone whose limits bind every plan on the site.
        paired: True where the body has a left and a right of the site.
        code: the site's own SNOMED CT code, or None where no source verifies one.
        no_code: why ``code`` is None (empty when there is a code).
        aliases: other names that find the site.
    """

    name: str
    zone: Zone
    paired: bool
    code: SiteCode | None = None
    no_code: str = ""
    aliases: tuple[str, ...] = ()

    @classmethod
    def named(cls, name: Any) -> SiteRecord:
        """The site called ``name`` (case, spaces and hyphens aside), or one of its aliases.

        Raises:
            UnknownNameError: no site has that name; the nearest names are suggested.
            InputTypeError: ``name`` is not a string.
        """
        expected = "a site's name, such as 'cheek' (mesocalc.sites() lists them)"
        if not isinstance(name, str):
            raise InputTypeError("site", name, expected, f"got a {type(name).__name__}")
        index = _index()
        key = folded(name[: _MAX_NAME + 1])
        found = index.get(key)
        if found is None or len(name) > _MAX_NAME:
            close = difflib.get_close_matches(key, list(index), n=3, cutoff=0.6)
            suggestions = tuple(dict.fromkeys(index[c].name for c in close))
            raise UnknownNameError("site", name, expected, suggestions=suggestions)
        return found


def site_records() -> tuple[SiteRecord, ...]:
    """Every site's record, in the order of ``sites.toml`` (head to foot)."""
    return _sites()


@_engine.cached()
def _sites() -> tuple[SiteRecord, ...]:
    return parse_sites(read_text("sites.toml"))


@_engine.cached()
def _index() -> dict[str, SiteRecord]:
    index: dict[str, SiteRecord] = {}
    for site in _sites():
        for name in (site.name, *site.aliases):
            index[folded(name)] = site
    return index


def parse_sites(text: str) -> tuple[SiteRecord, ...]:
    """The sites of a ``sites.toml`` text, checked: every zone known, every name unique.

    Raises:
        CatalogError: a malformed file, an unknown zone or key, a paired flag that is
            not a boolean, a code without a source, or a site without a code nor the
            reason it has none; the error names the key.
    """
    import tomllib  # noqa: PLC0415 - a built catalog plans without a TOML parser

    try:
        table = tomllib.loads(text).get("sites")
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError("sites.toml", "...", "a TOML file", str(exc)) from None
    if not isinstance(table, dict) or not table:
        raise CatalogError("sites", table, "a table of sites")
    out: list[SiteRecord] = []
    seen: set[str] = set()
    for name, entry in table.items():
        site = _site(name, entry)
        for key in (folded(site.name), *map(folded, site.aliases)):
            if key in seen:
                raise CatalogError(f"sites.{name}", key, "names no other site uses")
            seen.add(key)
        out.append(site)
    return tuple(out)


_READ: Final = Reader(CatalogError, keys_in_table=False)


def _site(name: str, entry: Any) -> SiteRecord:
    where = f"sites.{name}"
    entry = _READ.table(entry, where, "a table with zone and paired")
    _READ.keys(entry, _KEYS, where)
    try:
        zone = resolve(Zone, entry.get("zone"), f"{where}.zone")
    except (UnknownNameError, InputTypeError) as exc:
        raise CatalogError(f"{where}.zone", entry.get("zone"), "a shipped zone") from exc
    if zone not in tuple(Zone):  # a zone a clinic's protocol added is no shipped site's
        raise CatalogError(f"{where}.zone", entry.get("zone"), "a shipped zone")
    paired = _READ.flag(entry.get("paired"), f"{where}.paired")
    aliases = _READ.texts(entry.get("aliases", []), f"{where}.aliases", "a list of names")
    if not all(aliases):
        raise CatalogError(f"{where}.aliases", list(aliases), "a list of names")
    code = _code(where, entry.get("code"))
    no_code = _READ.text(entry.get("no_code", ""), f"{where}.no_code", "a sentence")
    if (code is None) == (not no_code):
        raise CatalogError(f"{where}.no_code", no_code, "why there is no code, only when none")
    return SiteRecord(
        name=name, zone=zone, paired=paired, code=code, no_code=no_code, aliases=aliases
    )


def _code(where: str, value: Any) -> SiteCode | None:
    if value is None:
        return None
    value = _READ.table(value, f"{where}.code", "a table of code, source and note")
    _READ.keys(value, _CODE_KEYS, f"{where}.code")
    code = _READ.text(value.get("code"), f"{where}.code.code", "a SNOMED CT concept id, as text")
    if not code.isdigit():
        raise CatalogError(f"{where}.code.code", code, "a SNOMED CT concept id, as text")
    sources = _READ.texts(value.get("source"), f"{where}.code.source", "a list of source keys")
    if not sources:
        raise CatalogError(f"{where}.code.source", [], "a list of source keys")
    note = _READ.text(value.get("note", ""), f"{where}.code.note", "a sentence")
    return SiteCode(code=code, sources=sources, note=note)


def site_of(value: Any) -> SiteRecord:
    """``value`` as a site record: a Site, a record, or a site's name (see ``named``)."""
    return value if isinstance(value, SiteRecord) else SiteRecord.named(value)


def side_of(
    site: SiteRecord | None, side: Any, *, both: bool = True, parameter: str = "side"
) -> Side | None:
    """``side`` read for ``site``, by the one rule of plans and sessions.

    A side on a midline site (the chin, the submental region) is refused; a paired site
    needs one ("left", "right", or with ``both`` "both", the two sides in one plan).
    Without a site (a plan on a zone, wider than any site), any side is read as given:
    a zone's halves may be charted apart.

    Raises:
        InvalidValueError: naming ``parameter``.
        UnknownNameError, InputTypeError: ``side`` is no side at all.
    """
    sides = "'left', 'right' or 'both'" if both else "'left' or 'right'"
    if side is None:
        if site is not None and site.paired:
            raise InvalidValueError(
                parameter, None, sides, f"the {site.name} is paired: say which side"
            )
        return None
    found = resolve(Side, side, parameter)
    if site is not None and not site.paired:
        raise InvalidValueError(
            parameter, side, "None", f"the {site.name} lies on the midline: it has no side"
        )
    if found is Side.BOTH and not both:
        raise InvalidValueError(
            parameter, side, sides, "one outline is one side: ask for left and right"
        )
    return found


def _site_name(value: Any) -> str | None:
    return None if value is None else site_of(value).name


def _side(value: Any) -> Side | None:
    return None if value is None else resolve(Side, value, "side")


@attrs.frozen(kw_only=True)
class Location:
    """Where on the patient a plan lies: a named site and its side (a plan's part).

    Either may be None: a plan on a zone may still say its side; a midline site has none.
    """

    site: str | None = attrs.field(default=None, converter=_site_name, metadata=_codec.text())
    side: Side | None = attrs.field(default=None, converter=_side, metadata=_codec.name(Side))

    def __attrs_post_init__(self) -> None:
        if self.site is not None:
            side_of(SiteRecord.named(self.site), self.side)
