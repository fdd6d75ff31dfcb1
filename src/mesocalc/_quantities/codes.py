"""Standard codes: SNOMED CT identifiers and the body-site codes the catalog holds.

mesocalc writes codes only from data (the catalog's zone codes, from DICOM PS3.16 Annex L;
the routes of FHIR's route-codes value set; units of UCUM); this module
checks their form, so that a mistyped digit is refused when the catalog is read
rather than exported into a clinical record.
"""

from __future__ import annotations

import re
from typing import Final

import attrs

__all__ = ["SNOMED", "UCUM", "SiteCode", "is_concept_id"]

SNOMED: Final = "http://snomed.info/sct"
UCUM: Final = "http://unitsofmeasure.org"

# Verhoeff's dihedral check, which SNOMED CT identifiers carry as their last digit.
_D: Final = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)


def _permutations() -> tuple[tuple[int, ...], ...]:
    rows = [tuple(range(10)), (1, 5, 7, 6, 2, 8, 3, 0, 9, 4)]
    while len(rows) < 8:
        rows.append(tuple(rows[-1][rows[1][j]] for j in range(10)))
    return tuple(rows)


_P: Final = _permutations()
# An identifier of 6 to 18 digits; "00" (short) or "10" (namespaced) before the check
# digit marks a concept, rather than a description or a relationship.
_CONCEPT: Final = re.compile(r"[1-9][0-9]{2,14}[01]0[0-9]", re.ASCII)


def is_concept_id(code: str) -> bool:
    """Whether ``code`` is the form of a SNOMED CT concept identifier, check digit included.

    The form only: a well-formed identifier may still name another concept.

    Examples:
        >>> is_concept_id("89545001"), is_concept_id("89545002")
        (True, False)
    """
    if not _CONCEPT.fullmatch(code):
        return False
    check = 0
    for i, digit in enumerate(reversed(code)):
        check = _D[check][_P[i % 8][int(digit)]]
    return check == 0


@attrs.frozen(kw_only=True)
class SiteCode:
    """A zone's SNOMED CT body-site code, with the sources that give it.

    ``verified`` is False for a code no source confirms (the submental code is seen
    only in a commented-out row of a DICOM transcription); exports then name the site
    in words only and say why, in ``note``.
    """

    code: str
    sources: tuple[str, ...] = ()
    verified: bool = True
    note: str = ""

    @property
    def source(self) -> str:
        """The source keys as one string."""
        return ", ".join(self.sources)
