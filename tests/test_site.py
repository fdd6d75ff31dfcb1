"""The documentation site's parts that can break without Sphinx: the tutorial notebook runs,
the API reference names every public name, the generated tables cite their sources in full,
and every changelog fragment is one towncrier collects.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import matplotlib as mpl
import pytest

mpl.use("Agg")

import matplotlib.pyplot as plt

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def site() -> ModuleType:
    """docs/_ext/mesocalc_docs.py, the extension that writes the generated pages."""
    spec = importlib.util.spec_from_file_location("mesocalc_docs", DOCS / "_ext/mesocalc_docs.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def _no_windows(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Agg cannot show a figure, and says so in a warning: the notebook's plt.show() draws here.
    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: None)
    yield
    plt.close("all")


def _cells(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return re.findall(r"^```\{code-cell\}[^\n]*\n(.*?)^```$", text, re.S | re.M)


@pytest.mark.usefixtures("_no_windows")
def test_the_tutorial_notebook_runs_cell_by_cell() -> None:
    """Each code cell in order, in one namespace, as a kernel runs them; pictures drawn."""
    cells = _cells(DOCS / "tutorial.md")
    assert len(cells) >= 10
    namespace: dict[str, Any] = {"__name__": "__tutorial__"}
    drawn = 0
    for i, source in enumerate(cells):
        code = compile(ast.parse(source), f"docs/tutorial.md, cell {i + 1}", "exec")
        exec(code, namespace)  # the docs' own notebook, as Jupyter would run it
        drawn += len(plt.get_fignums())
        for number in plt.get_fignums():
            assert plt.figure(number).axes, f"cell {i + 1} drew an empty figure"
        plt.close("all")
    assert drawn >= 1, "the tutorial draws its injection maps"
    assert namespace["again"] == namespace["session"]


def test_the_api_reference_documents_every_public_name(site: ModuleType) -> None:
    assert site.missing_api_names() == []


def test_the_catalog_tables_cite_every_source_in_full(site: ModuleType) -> None:
    from mesocalc._catalog.catalog import default_catalog  # noqa: PLC0415

    book = default_catalog()
    text = site.catalog_tables()
    cited = set(re.findall(r"\[([\w.+:-]+)\]_", text))
    given = dict(re.findall(r"^\.\. \[([\w.+:-]+)\] (.+)$", text, re.M))
    assert cited == set(given)
    assert "SEED3" in cited
    assert "AMIN" in cited
    for key in cited:
        assert given[key].replace("\\", "") == " ".join(book.sources[key]["citation"].split())
    row = ["face", "200", "classic", "200", "10 mm", "0.01 mL", "1.5 mm", "2 mL", "0 mL"]
    assert "   * - " + "\n     - ".join(row) + "\n" in text


def test_every_changelog_fragment_is_one_towncrier_collects() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    types = {t["directory"] for t in config["tool"]["towncrier"]["type"]}
    names = re.compile(rf"^(\d+|\+[a-z0-9-]+)\.({'|'.join(types)})(\.\d+)?\.md$")
    fragments = [p.name for p in (ROOT / "changelog.d").iterdir() if p.name != "README.md"]
    assert fragments
    assert [name for name in fragments if not names.match(name)] == []
