"""The screening rules: ``screening.toml`` read and validated into records screening reads.

Kept apart from the screening itself (``_screening``: the Patient, the findings and
``screen``), so that the file's format and its checks can be read on their own; every
fault is a CatalogError naming the table and key, as the catalog's are.
"""

from __future__ import annotations

import enum
import re
import tomllib
import unicodedata
from collections.abc import Callable
from typing import Any

import attrs

from mesocalc import _validators
from mesocalc._catalog import default_catalog
from mesocalc._catalog_entries import Basis
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
# Makes the CatalogError for a key of the rule being read.
_Fail = Callable[[str, str], CatalogError]


def _rule(name: str, doc: Any, where: str) -> Rule:
    def fail(key: str, expected: str) -> CatalogError:
        value = doc.get(key) if isinstance(doc, dict) else doc
        return CatalogError(f"screening.toml: {where}.{key}", value, expected)

    if not isinstance(doc, dict):
        raise fail("", "a table")
    basis = _basis(doc, fail)
    keys = _sources(doc, basis, fail)
    severity, unchecked = _severities(doc, basis, fail)
    if not isinstance(doc.get("reason"), str) or not _validators.visible(doc["reason"]):
        raise fail("reason", "a reason")
    days = _days(doc, fail)
    stage = doc.get("min_stage", 1)
    if isinstance(stage, bool) or not isinstance(stage, int) or not 1 <= stage <= 3:
        raise fail("min_stage", "a stage from 1 to 3")
    kind = doc.get("class", "other")
    if kind not in _CLASSES:
        raise fail("class", ", ".join(sorted(_CLASSES)))
    required = doc.get("required", True)
    if not isinstance(required, bool):
        raise fail("required", "true or false")
    return Rule(
        name=name,
        severity=severity,
        reason=doc["reason"],
        source=", ".join(keys),
        basis=basis,
        days=days,
        min_stage=stage,
        unchecked=unchecked,
        kind=kind,
        required=required,
    )


def _basis(doc: dict[str, Any], fail: _Fail) -> Basis:
    """How the rule rests on its sources (stated when not said)."""
    try:
        return Basis(doc.get("basis", "stated"))
    except ValueError:
        raise fail("basis", "stated, derived, analogue or unsourced") from None


def _sources(doc: dict[str, Any], basis: Basis, fail: _Fail) -> list[str]:
    """The rule's source keys, from the catalog's [sources]; none for an unsourced rule."""
    keys = doc.get("source")
    if basis is Basis.UNSOURCED:
        if keys != []:
            raise fail("source", "source = [] for an unsourced rule")
    elif (
        not isinstance(keys, list)
        or not keys
        or any(k not in default_catalog().sources for k in keys)
    ):
        raise fail("source", "a non-empty list of keys from catalog [sources]")
    return keys


def _severities(doc: dict[str, Any], basis: Basis, fail: _Fail) -> tuple[Severity, Severity]:
    """The rule's severity, and its severity when it could not be checked."""
    try:
        severity = Severity(str(doc.get("severity")))
        unchecked = Severity(doc.get("unchecked_severity", "relative"))
    except ValueError:
        raise fail("severity", "'absolute' or 'relative'") from None
    if basis is Basis.UNSOURCED and severity is Severity.ABSOLUTE:
        raise fail("severity", "'relative': an unsourced rule never forbids treatment")
    return severity, unchecked


def _days(doc: dict[str, Any], fail: _Fail) -> float | None:
    """A medication's window in days; None: no published window."""
    days = doc.get("days")
    if days is not None and (
        isinstance(days, bool) or not isinstance(days, (int, float)) or days < 0
    ):
        raise fail("days", "a number of days, 0 or more, or no days for no window")
    return None if days is None else float(days)


def _names(doc: dict[str, Any], key: str) -> list[str]:
    names = doc.get(key)
    if (
        not isinstance(names, list)
        or not names
        or not all(isinstance(n, str) and _validators.visible(n) for n in names)
    ):
        raise CatalogError(f"screening.toml: product.{key}", names, "a non-empty list of names")
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
    if not isinstance(doc, dict):
        raise CatalogError("screening.toml: synonyms", doc, "a table of names to lists of names")
    out: dict[str, str] = {}
    for name, others in doc.items():
        if not isinstance(others, list) or not all(isinstance(o, str) for o in others):
            raise CatalogError(f"screening.toml: synonyms.{name}", others, "a list of names")
        for other in [name, *others]:
            if out.setdefault(fold(other), fold(name)) != fold(name):
                raise CatalogError(
                    f"screening.toml: synonyms.{name}", other, "a name of one substance only"
                )
    return out


def _labels(doc: Any, fields: set[str], classes: set[str]) -> dict[str, LabelRules]:
    if not isinstance(doc, dict):
        raise CatalogError("screening.toml: labels", doc, "a table of products")
    out = {}
    for product, entry in doc.items():
        where = f"labels.{product}"
        if not isinstance(entry, dict) or set(entry) - {"conditions", "medications"}:
            raise CatalogError(f"screening.toml: {where}", entry, "conditions and medications")
        conditions = {}
        for name, rule in entry.get("conditions", {}).items():
            if name not in fields:
                raise CatalogError(f"screening.toml: {where}.conditions", name, "a Patient field")
            conditions[name] = _rule(name, rule, f"{where}.conditions.{name}")
        medications = {}
        for kind, rule in entry.get("medications", {}).items():
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
    if doc.get("format") != 1:
        raise CatalogError("screening.toml: format", doc.get("format"), "format = 1")
    conditions = {}
    for name, entry in doc.get("conditions", {}).items():
        if name not in fields:
            raise CatalogError("screening.toml: conditions", name, "a Patient field")
        conditions[name] = _rule(name, entry, f"conditions.{name}")
    medications: dict[str, Rule] = {}
    for name, entry in doc.get("medications", {}).items():
        rule = _rule(name, entry, f"medications.{name}")
        for alias in [name, *entry.get("aliases", [])]:
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
