"""Closed sets of names: techniques, zones and lattices, and how user text maps onto them.

Names are matched case-insensitively, with spaces, hyphens and underscores
treated alike, plus a few aliases clinicians use ("periorbital" for the eyelid).
A near miss gets a "did you mean" suggestion.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from typing import Any, Final, TypeVar

from mesocalc._engine import engine as _engine
from mesocalc.exceptions import InputTypeError, InvalidValueError, UnknownNameError

__all__ = [
    "Lattice",
    "Pattern",
    "Sex",
    "Side",
    "Technique",
    "Zone",
    "added_zone",
    "folded",
    "resolve",
    "shipped_zone_named",
]


class _Name(enum.StrEnum):
    """A name from a closed set; its value is the canonical spelling."""


class Technique(_Name):
    """Injection techniques, as seed 003 and seed 001 name them."""

    CLASSIC = "classic"
    NAPPAGE = "nappage"
    NAPPAGE_SUPERFICIAL = "nappage-superficial"
    NAPPAGE_MEDIAN = "nappage-median"
    NAPPAGE_DEEP = "nappage-deep"
    RETROGRADE = "retrograde"
    INFILTRATION = "infiltration"
    POINT_BY_POINT = "point-by-point"
    PAPULAR = "papular"
    INTRA_EPIDERMAL = "intra-epidermal"


class Zone(_Name):
    """Anatomical zones the catalog covers."""

    FACE = "face"
    EYELID = "eyelid"
    NECK = "neck"
    DECOLLETE = "decollete"
    SCALP = "scalp"
    SUBMENTAL = "submental"
    HANDS = "hands"
    ABDOMEN = "abdomen"
    FLANKS = "flanks"
    THIGHS = "thighs"
    BUTTOCKS = "buttocks"
    ARMS = "arms"
    BACK = "back"
    FOREARM = "forearm"
    KNEES = "knees"

    def __reduce_ex__(self, proto: object) -> tuple[Any, ...]:
        """A zone a protocol added pickles by its name, so it loads in any interpreter."""
        if Zone.__members__.get(self._name_) is self:
            return super().__reduce_ex__(proto)
        return added_zone, (self._value_,)


_ZONE_NAME: Final = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
_MAX_ADDED_ZONES: Final = 1_000  # a software bound: clinic protocols add a few zones each


def added_zone(name: str) -> Zone:
    """The Zone a clinic's protocol adds (``"lips"``): a member of Zone beyond the shipped set.

    Protocols name zones the shipped catalog lacks; a Zone is only a name (the
    catalog that adds it holds its thickness, code and techniques), so adding one is
    additive and the same name always gives the same member. It is not listed by
    ``iter(Zone)``, which stays the shipped set; ``Zone("lips")`` and name lookups find
    it once a protocol has added it.

    Raises:
        InvalidValueError: not a lower-case name of letters, digits and hyphens, or too
            many zones added.
    """
    found = Zone._value2member_map_.get(name)
    if isinstance(found, Zone):
        return found
    if not isinstance(name, str) or len(name) > 40 or not _ZONE_NAME.fullmatch(name):
        raise InvalidValueError(
            "zone", name, "a zone name of lower-case letters, digits and hyphens, such as 'lips'"
        )
    if len(Zone._value2member_map_) - len(Zone.__members__) >= _MAX_ADDED_ZONES:
        raise InvalidValueError("zone", name, f"at most {_MAX_ADDED_ZONES} added zones")
    member = str.__new__(Zone, name)
    member._name_ = name.upper().replace("-", "_")
    member._value_ = name
    Zone._value2member_map_[name] = member
    _lookup.cache_clear()  # a name looked up before it was added now finds it
    return member


class Lattice(_Name):
    """How injection points are arranged: a square grid or a hexagonal (triangular) one."""

    SQUARE = "square"
    HEX = "hex"


class Pattern(_Name):
    """How retrograde threads are laid: parallel rows, rows and columns, or fans (MESO-ES)."""

    PARALLEL = "parallel"
    CROSSHATCH = "crosshatch"
    FAN = "fan"


class Side(_Name):
    """The patient's side of a paired site an area lies on (one thigh, one side of the jaw).

    BOTH is the two sides of one paired site in one plan (SNOMED CT 51440002).
    """

    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"


class Sex(_Name):
    """A patient's sex, as the published skin measurements group people (US50, MENG22)."""

    FEMALE = "female"
    MALE = "male"


def _key(text: str) -> str:
    """Fold case, accents and separators so that "Point_by Point" matches "point-by-point"."""
    folded = unicodedata.normalize("NFKD", text.strip().casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return "-".join(folded.replace("_", " ").replace("-", " ").split())


def folded(text: str) -> str:
    """``text`` as names compare: case, accents, spaces, hyphens and underscores folded."""
    return _key(text)


_ALIASES: dict[type[_Name], dict[str, str]] = {
    Technique: {
        "classical": "classic",
        "superficial-nappage": "nappage-superficial",
        "median-nappage": "nappage-median",
        "deep-nappage": "nappage-deep",
        "linear": "retrograde",
        "point-to-point": "point-by-point",
        "papule": "papular",
        "micropapule": "papular",
        "intraepidermal": "intra-epidermal",
        "epidermal": "intra-epidermal",
        "ied": "intra-epidermal",
    },
    Zone: {
        "periorbital": "eyelid",
        "eyelids": "eyelid",
        "double-chin": "submental",
        "chest": "decollete",
        "hand": "hands",
        "flank": "flanks",
        "thigh": "thighs",
        "buttock": "buttocks",
        "arm": "arms",
        "upper-arm": "arms",
        "forearms": "forearm",
        "knee": "knees",
    },
    Lattice: {"hexagonal": "hex", "triangular": "hex", "grid": "square"},
    Pattern: {"linear": "parallel", "grid": "crosshatch", "radial": "fan", "fanning": "fan"},
    Side: {"l": "left", "r": "right", "bilateral": "both", "left-and-right": "both"},
    Sex: {"f": "female", "m": "male", "woman": "female", "man": "male"},
}

E = TypeVar("E", bound=_Name)


def shipped_zone_named(text: str) -> Zone | None:
    """The shipped zone ``text`` names, by its name or an alias, folded; None for none.

    A clinic's protocol may not add a zone under such a name ("periorbital", "Eyelid"):
    it would replace the shipped zone's skin thickness and code.
    """
    key = _key(text)
    key = _ALIASES[Zone].get(key, key)
    return next((z for z in Zone if z.value == key), None)  # iter(Zone): the shipped set


def resolve(kind: type[E], value: Any, parameter: str) -> E:
    """Map ``value`` (a member or user text) to a member of ``kind``.

    Raises:
        UnknownNameError: no member matches; near misses are suggested.
        InputTypeError: ``value`` is neither a member nor a string.
    """
    if isinstance(value, kind):
        return value
    if isinstance(value, str) and type(value) is not str and not isinstance(value, _Name):
        value = str.__str__(value)  # a str subclass (one that will not hash): its text
    if isinstance(value, str) and len(value) <= 64:
        found: E | None = _lookup(kind, value)
        if found is not None:
            return found
    names = [m.value for m in kind]
    expected = "one of " + ", ".join(repr(n) for n in names)
    if not isinstance(value, str) or isinstance(value, _Name):
        raise InputTypeError(parameter, value, expected, f"got a {type(value).__name__}")
    if len(value) > 64:
        raise UnknownNameError(parameter, value, expected, "longer than 64 characters")
    key = _key(value)
    key = _ALIASES.get(kind, {}).get(key, key)
    try:
        return kind(key)
    except ValueError:
        import difflib  # noqa: PLC0415 - only a near miss needs it

        candidates = names + list(_ALIASES.get(kind, {}))
        close = difflib.get_close_matches(key, candidates, n=2, cutoff=0.6)
        aliases = _ALIASES.get(kind, {})
        suggestions = tuple(dict.fromkeys(aliases.get(c, c) for c in close))
        raise UnknownNameError(parameter, value, expected, suggestions=suggestions) from None


@_engine.cached(1024)
def _lookup(kind: type[E], text: str) -> E | None:
    """The member ``text`` names, or None; cached, since plans name the same few often."""
    key = _key(text)
    try:
        found: E = kind(_ALIASES.get(kind, {}).get(key, key))
    except ValueError:
        return None
    return found
