"""The catalog a wheel's build validated is the catalog catalog.toml gives, or is not used.

``hatch_build.py`` writes ``mesocalc/catalog.pickle`` into the wheel with
``_cache.dump``; these tests write it the same way to a temporary place.
"""

from __future__ import annotations

import io
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import mesocalc
from mesocalc._catalog.catalog import Catalog, default_catalog, parse_catalog
from mesocalc._engine import built as _cache
from mesocalc._engine.files import read_text

TEXT = read_text("catalog.toml")


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the built catalog is looked for, empty at first."""
    where = tmp_path / "catalog.pickle"
    monkeypatch.setattr(_cache, "path", lambda name: str(where))
    return where


def test_the_built_catalog_equals_the_parsed_one(built: Path) -> None:
    built.write_bytes(_cache.dump(TEXT, parse_catalog(TEXT, origin="mesocalc catalog")))
    loaded = _cache.load("catalog.toml", TEXT, Catalog)
    assert loaded is not None
    assert loaded == default_catalog()
    assert loaded.spec("classic", "face") == default_catalog().spec("classic", "face")
    assert hash(loaded.spec("classic", "face")) == hash(default_catalog().spec("classic", "face"))


def test_default_catalog_reads_the_built_file_without_parsing(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built.write_bytes(_cache.dump(TEXT, default_catalog()))

    def refuse(*args: object, **kwargs: object) -> Catalog:
        raise AssertionError("the built catalog should have been read")

    monkeypatch.setattr("mesocalc._catalog.catalog.parse_catalog", refuse)
    assert default_catalog.__wrapped__() == default_catalog()


def test_without_a_built_file_the_catalog_is_parsed(built: Path) -> None:
    assert _cache.load("catalog.toml", TEXT, Catalog) is None
    assert default_catalog.__wrapped__() == default_catalog()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[:-10], id="truncated"),
        pytest.param(lambda data: b"\x00" * 32 + data[32:], id="another key"),
        pytest.param(lambda data: data[:32] + b"not a pickle", id="not a pickle"),
        pytest.param(lambda data: data[:32] + pickle.dumps({"a": 1}), id="not a catalog"),
        pytest.param(lambda data: b"", id="empty"),
    ],
)
def test_a_damaged_or_stale_file_is_not_used(built: Path, damage: object) -> None:
    assert callable(damage)
    built.write_bytes(damage(_cache.dump(TEXT, default_catalog())))
    assert _cache.load("catalog.toml", TEXT, Catalog) is None
    assert default_catalog.__wrapped__() == default_catalog()


def test_an_edited_catalog_is_parsed_again(built: Path) -> None:
    built.write_bytes(_cache.dump(TEXT, default_catalog()))
    edited = TEXT.replace("0.01", "0.02", 1)
    assert _cache.load("catalog.toml", edited, Catalog) is None


def test_the_built_file_sits_beside_the_catalog() -> None:
    assert Path(_cache.path("catalog.toml")) == Path(mesocalc.__file__).with_name("catalog.pickle")


def test_a_plan_needs_no_toml_parser_when_the_catalog_was_built(tmp_path: Path) -> None:
    # A copy of the package with its built catalog, as a wheel installs it.
    package = tmp_path / "mesocalc"
    shutil.copytree(
        Path(mesocalc.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__")
    )
    (package / "catalog.pickle").write_bytes(_cache.dump(TEXT, default_catalog()))
    code = (
        "import sys, mesocalc\n"
        "p = mesocalc.plan(technique='classic', zone='face', area='40 cm^2')\n"
        "print(mesocalc.__file__.startswith(sys.argv[1]), p.points, 'tomllib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert out.stdout.split() == ["True", "40", "False"]


def test_the_key_covers_every_module_whose_classes_the_file_holds() -> None:
    seen: set[str] = set()

    class Recording(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> object:
            seen.add(module)
            return super().find_class(module, name)

    Recording(io.BytesIO(pickle.dumps(default_catalog()))).load()
    ours = {
        m.removeprefix("mesocalc.").replace(".", "/") for m in seen if m.startswith("mesocalc.")
    }
    assert {"_catalog/catalog", "_catalog/entries"} <= ours
    assert ours <= set(_cache._CODE)
