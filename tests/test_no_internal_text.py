"""No internal text reaches users, and no test reads outside the repository (issue 18).

What a user or a patient record sees (the package's code and data, the docs site, the
README) cites publications and pages a reader can find, never the team's own notes or the
files its sources were read from. The strings searched for are built here, so that this
file does not name them itself.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
from pathlib import Path

import pytest

import mesocalc

ROOT = Path(__file__).resolve().parents[1]
GENERATED = {"_build", "_generated"}  # the site's output, not its sources
INTERNAL = (
    "DOMAIN" + ".md",  # the team's fact tables
    "seeds" + "/0",  # the files the seed sources were read from
    "shared" + "/",  # the folder beside the repository that holds both
)


def _user_facing() -> list[Path]:
    files = [ROOT / "README.md"]
    for top in ("src", "docs"):
        files += [
            p
            for p in sorted((ROOT / top).rglob("*"))
            if p.is_file()
            and not GENERATED & set(p.relative_to(ROOT).parts)
            and "__pycache__" not in p.parts
            and p.suffix in {".py", ".md", ".toml", ".json", ".txt", ".rst", ".typed"}
        ]
    return files


@pytest.mark.parametrize("path", _user_facing(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_internal_text_in_what_users_see(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for needle in INTERNAL:
        assert needle not in text, f"{path.relative_to(ROOT)} names {needle!r}"


def test_the_generated_tables_and_the_cli_cite_no_internal_text() -> None:
    """The docs' generated tables and `mesocalc sources` cite what a reader can find."""
    book = mesocalc.Catalog.default()
    texts = [entry["citation"] for entry in book.sources.values()]
    texts += [entry.get("short", "") for entry in book.sources.values()]
    texts += [site.note for z in book.zones if (site := book.site(z)) is not None]
    for text in texts:
        for needle in INTERNAL:
            assert needle not in text
        assert not re.search(r"\b\w+\.(txt|md)\b", text), text


def test_a_fhir_export_and_the_generated_pages_carry_no_internal_text() -> None:
    """The submental note reaches patient records; the generated tables reach the site."""
    chin = mesocalc.plan(technique="infiltration", zone="submental", area="10 cm^2")
    session = mesocalc.Session(plans=[chin], date="2026-11-26", product=mesocalc.Product(name="x"))
    texts = [json.dumps(session.to_fhir(patient="Patient/1")), json.dumps(session.to_dict())]
    spec = importlib.util.spec_from_file_location("site", ROOT / "docs/_ext/mesocalc_docs.py")
    assert spec is not None
    assert spec.loader is not None
    site = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(site)
    texts += [site.catalog_tables(), *site.guardrail_tables().values()]
    for text in texts:
        for needle in INTERNAL:
            assert needle not in text
    assert "DICOM PS3.16 Annex L" in texts[0]


def test_the_guard_sees_what_it_looks_for() -> None:
    """The strings are those the issue names: a file holding one is flagged."""
    assert "DOMAIN" + ".md" in INTERNAL
    seeded = "see " + "seeds" + "/003_b9be5509b2ac0c6f.txt"
    assert any(n in seeded for n in INTERNAL)


# A test reaches outside the repository by climbing above it from its own file
# (Path(__file__).parents[2] is the repository's parent), by a parent-relative path or by
# an absolute one (devices such as /dev/zero aside: tests check they are refused unread).
_OUTSIDE = re.compile(r"^(/(?!dev/)\w[\w.-]*/|~/)|(^|[/\\])\.\.([/\\]|$)")


def _outside_reads(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "parents"
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, int)
            and node.slice.value >= 2
        ):
            found.append(f"line {node.lineno}: parents[{node.slice.value}]")
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            depth, inner = 1, node.value
            while isinstance(inner, ast.Attribute) and inner.attr == "parent":
                depth, inner = depth + 1, inner.value
            if depth >= 3:
                found.append(f"line {node.lineno}: .parent x {depth}")
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and "\n" not in node.value
            and "://" not in node.value  # a URL, not a file
            and _OUTSIDE.search(node.value)
        ):
            found.append(f"line {node.lineno}: {node.value!r}")
    return found


@pytest.mark.parametrize(
    "path", sorted((ROOT / "tests").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_no_test_reads_outside_the_repository(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert _outside_reads(tree) == [], path.name


@pytest.mark.parametrize(
    "source",
    [
        'DOMAIN = Path(__file__).resolve().parents[2] / "shared"',
        'text = open("../shared/facts.md").read()',
        'Path("/work/shared").read_text()',
        "Path(__file__).parent.parent.parent",
    ],
)
def test_the_outside_read_check_flags(source: str) -> None:
    assert _outside_reads(ast.parse(source))
