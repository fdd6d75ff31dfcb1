"""The screening rules: ``screening.toml`` read and validated into records screening reads.

Kept apart from the screening itself (``_screening``: the Patient, the findings and
``screen``), so that the file's format and its checks can be read on their own; every
fault is a CatalogError naming the table and key, read by the structuring layer
(``_structuring``) that the catalog's reader uses too.
"""

from __future__ import annotations

import enum
import re
import tomllib
import unicodedata
from typing import Any

import attrs

from mesocalc._catalog.catalog import default_catalog
from mesocalc._catalog.entries import Basis
from mesocalc._quantities import validators as _validators
from mesocalc._records.structuring import Reader
from mesocalc.exceptions import CatalogError

__all__ = [
    "LabelRules",
    "ProductRule",
    "Rule",
    "Rules",
    "Severity",
    "fold",
    "parse_rules",
]


class Severity(enum.StrEnum):
    """How strongly a finding speaks against treatment."""

    ABSOLUTE = "absolute"  # do not treat
    RELATIVE = "relative"  # postpone or check first


def fold(name: str) -> str:
    """A name as rules are looked up by: NFKC, case folded, hyphens and runs of spaces as one."""
    folded = unicodedata.normalize("NFKC", name).casefold().replace("’", "'")
    return " ".join(folded.replace("-", " ").split())


@attrs.frozen(kw_only=True)
class Rule:
    """One sourced rule: a condition, a medication (with its window), allergies or products."""

    name: str
    severity: Severity
    reason: str
    source: str
    basis: Basis = Basis.STATED
    days: float | None = None  # a medication's window; None: no published window
    min_stage: int = 1
    unchecked: Severity = Severity.RELATIVE
    kind: str = "other"  # a medication's class
    required: bool = True  # a condition: unanswered keeps screening from being clear


@attrs.frozen(kw_only=True)
class ProductRule:
    """What makes a product's component forbidden, and which are judged water-based."""

    rule: Rule
    forbidden: re.Pattern[str]  # whole forbidden words (or phrases) in a folded name
    water_based: frozenset[str]  # folded names judged neither oil- nor alcohol-based


@attrs.frozen(kw_only=True)
class LabelRules:
    """The questions one product's label adds: conditions, and medications by class."""

    conditions: dict[str, Rule]  # by Patient field
    medications: dict[str, Rule]  # by medication class


@attrs.frozen(kw_only=True)
class Rules:
    """Every rule of ``screening.toml``, by what it is looked up by."""

    conditions: dict[str, Rule]
    allergy: Rule
    product: ProductRule
    medications: dict[str, Rule]  # by folded name and alias
    synonyms: dict[str, str]  # folded name -> the substance's first name, folded
    labels: dict[str, LabelRules]  # by the product's folded name

    def canonical(self, name: str) -> str:
        key = fold(name)
        return self.synonyms.get(key, key)

    def names_of(self, substance: str) -> set[str]:
        """A folded substance's every name (itself included)."""
        return {substance} | {k for k, v in self.synonyms.items() if v == substance}


_CLASSES = frozenset({"anticoagulant", "antiplatelet", "nsaid", "other"})
_READ = Reader(CatalogError, "screening.toml")
# The keys a rule may have (aliases for a medication, the last two for the product rule).
_RULE_KEYS = frozenset(
    {"severity", "reason", "source", "basis", "days", "min_stage", "required"}
    | {"unchecked_severity", "class", "aliases", "forbidden", "water_based"}
)
_TOP_KEYS = frozenset(
    {"format", "conditions", "allergy", "product", "medications", "synonyms", "labels"}
)


def _rule(name: str, doc: Any, where: str) -> Rule:
    doc = _READ.table(doc, f"{where}.")
    _READ.keys(doc, _RULE_KEYS, where)
    basis = _READ.member(
        Basis,
        doc.get("basis", "stated"),
        f"{where}.basis",
        "stated, derived, analogue or unsourced",
    )
    keys = _sources(doc, basis, where)
    severity, unchecked = _severities(doc, basis, where)
    reason = _READ.text(doc.get("reason"), f"{where}.reason", "a reason", blank=False)
    days = _days(doc, where)
    stage = _READ.whole(doc.get("min_stage", 1), f"{where}.min_stage", "a stage from 1 to 3")
    if not 1 <= stage <= 3:
        raise _READ.fail(f"{where}.min_stage", stage, "a stage from 1 to 3")
    kind = _READ.choice(
        doc.get("class", "other"), _CLASSES, f"{where}.class", ", ".join(sorted(_CLASSES))
    )
    required = _READ.flag(doc.get("required", True), f"{where}.required")
    return Rule(
        name=name,
        severity=severity,
        reason=reason,
        source=", ".join(keys),
        basis=basis,
        days=days,
        min_stage=stage,
        unchecked=unchecked,
        kind=kind,
        required=required,
    )


def _sources(doc: dict[str, Any], basis: Basis, where: str) -> list[str]:
    """The rule's source keys, from the catalog's [sources]; none for an unsourced rule."""
    keys = doc.get("source")
    if basis is Basis.UNSOURCED:
        if keys != []:
            raise _READ.fail(f"{where}.source", keys, "source = [] for an unsourced rule")
        return []
    expected = "a non-empty list of keys from catalog [sources]"
    return list(_READ.sources(keys, default_catalog().sources, f"{where}.source", expected))


def _severities(doc: dict[str, Any], basis: Basis, where: str) -> tuple[Severity, Severity]:
    """The rule's severity, and its severity when it could not be checked."""
    expected = "'absolute' or 'relative'"
    severity = _READ.member(Severity, doc.get("severity"), f"{where}.severity", expected)
    unchecked = doc.get("unchecked_severity", "relative")
    unchecked = _READ.member(Severity, unchecked, f"{where}.unchecked_severity", expected)
    if basis is Basis.UNSOURCED and severity is Severity.ABSOLUTE:
        expected = "'relative': an unsourced rule never forbids treatment"
        raise _READ.fail(f"{where}.severity", severity.value, expected)
    return severity, unchecked


def _days(doc: dict[str, Any], where: str) -> float | None:
    """A medication's window in days; None: no published window."""
    days = doc.get("days")
    if days is None:
        return None
    expected = "a number of days, 0 or more, or no days for no window"
    value = _READ.number(days, f"{where}.days", expected)
    if value < 0:
        raise _READ.fail(f"{where}.days", days, expected)
    return value


def _names(doc: dict[str, Any], key: str) -> list[str]:
    names = _READ.texts(doc.get(key), f"product.{key}", "a non-empty list of names")
    if not names or not all(_validators.visible(n) for n in names):
        raise _READ.fail(f"product.{key}", list(names), "a non-empty list of names")
    return [fold(n) for n in names]


def _product_rule(doc: Any) -> ProductRule:
    rule = _rule("product", doc, "product")  # checks that doc is a table
    words = _names(doc, "forbidden")
    forbidden = re.compile(
        r"(?<!\w)(?:"
        + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        + r")(?!\w)"
    )
    water_based = frozenset(_names(doc, "water_based"))
    for name in sorted(water_based):
        if forbidden.search(name):
            raise CatalogError(
                "screening.toml: product.water_based", name, "no name with a forbidden word"
            )
    return ProductRule(rule=rule, forbidden=forbidden, water_based=water_based)


def _synonyms(doc: Any) -> dict[str, str]:
    doc = _READ.table(doc, "synonyms", "a table of names to lists of names")
    out: dict[str, str] = {}
    for name, others in doc.items():
        for other in [name, *_READ.texts(others, f"synonyms.{name}", "a list of names")]:
            if out.setdefault(fold(other), fold(name)) != fold(name):
                raise CatalogError(
                    f"screening.toml: synonyms.{name}", other, "a name of one substance only"
                )
    return out


def _labels(doc: Any, fields: set[str], classes: set[str]) -> dict[str, LabelRules]:
    doc = _READ.table(doc, "labels", "a table of products")
    out = {}
    for product, entry in doc.items():
        where = f"labels.{product}"
        if not isinstance(entry, dict) or set(entry) - {"conditions", "medications"}:
            raise _READ.fail(where, entry, "conditions and medications")
        conditions = {}
        for name, rule in _READ.table(entry.get("conditions", {}), f"{where}.conditions").items():
            if name not in fields:
                raise CatalogError(f"screening.toml: {where}.conditions", name, "a Patient field")
            conditions[name] = _rule(name, rule, f"{where}.conditions.{name}")
        medications = {}
        for kind, rule in _READ.table(
            entry.get("medications", {}), f"{where}.medications"
        ).items():
            if kind not in classes:
                raise CatalogError(
                    f"screening.toml: {where}.medications", kind, "a class of [medications]"
                )
            medications[kind] = _rule(kind, rule, f"{where}.medications.{kind}")
        out[fold(product)] = LabelRules(conditions=conditions, medications=medications)
    return out


def parse_rules(text: str, fields: set[str]) -> Rules:
    """The rules ``text`` gives, validated; ``fields`` are the questions a Patient answers."""
    doc = tomllib.loads(text)
    _READ.keys(doc, _TOP_KEYS, "top level")
    if doc.get("format") != 1:
        raise CatalogError("screening.toml: format", doc.get("format"), "format = 1")
    conditions = {}
    for name, entry in _READ.table(doc.get("conditions", {}), "conditions").items():
        if name not in fields:
            raise CatalogError("screening.toml: conditions", name, "a Patient field")
        conditions[name] = _rule(name, entry, f"conditions.{name}")
    medications: dict[str, Rule] = {}
    for name, entry in _READ.table(doc.get("medications", {}), "medications").items():
        rule = _rule(name, entry, f"medications.{name}")
        aliases = _READ.texts(entry.get("aliases", []), f"medications.{name}.aliases")
        for alias in [name, *aliases]:
            if medications.setdefault(fold(alias), rule) is not rule:
                raise CatalogError(
                    f"screening.toml: medications.{name}.aliases", alias, "a name of one rule"
                )
    classes = {r.kind for r in medications.values()}
    return Rules(
        conditions=conditions,
        allergy=_rule("allergy", doc.get("allergy"), "allergy"),
        product=_product_rule(doc.get("product")),
        medications=medications,
        synonyms=_synonyms(doc.get("synonyms", {})),
        labels=_labels(doc.get("labels", {}), fields, classes),
    )
