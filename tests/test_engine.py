"""The engine owns imports on first use and every cache; modules hold no mutable state.

docs/adr/0015-engine.md says why. A module-level dict, list or set that its module
mutates, a ``global`` statement or a functools cache outside the engine fails here.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import mesocalc
from mesocalc._engine import engine as _engine
from mesocalc._quantities import units as _units

PACKAGE = Path(mesocalc.__file__).parent
SOURCES = {p: ast.parse(p.read_text(encoding="utf-8")) for p in PACKAGE.rglob("*.py")}
ENGINE = {"_engine/engine.py"}
# State that stays outside the engine, and why (docs/adr/0015-engine.md).
OUTSIDE: dict[tuple[str, str], str] = {}
_MUTATORS = {"append", "add", "clear", "pop", "popitem", "setdefault", "update", "remove"}


def _module_names(tree: ast.Module) -> dict[str, ast.expr]:
    found: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name):
            found[target.id] = value
    return found


def _mutated(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for t in targets:
                if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name):
                    names.add(t.value.id)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _MUTATORS
            and isinstance(node.func.value, ast.Name)
        ):
            names.add(node.func.value.id)
    return names


def test_no_module_but_the_engine_holds_mutable_state() -> None:
    found = []
    for path, tree in SOURCES.items():
        name = path.relative_to(PACKAGE).as_posix()
        if name in ENGINE:
            continue
        module = _module_names(tree)
        for value_name in sorted(_mutated(tree) & set(module)):
            value = ast.unparse(module[value_name])
            if not value.startswith("_engine.table(") and (name, value_name) not in OUTSIDE:
                found.append(f"{name}: {value_name} = {value[:60]}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Global):
                found.append(f"{name}:{node.lineno}: global {', '.join(node.names)}")
            if isinstance(node, ast.Attribute) and ast.unparse(node) in (
                "functools.cache",
                "functools.lru_cache",
            ):
                found.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
            if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("ContextVar"):
                names = [n for n, v in _module_names(tree).items() if v is node]
                if not names or (name, names[0]) not in OUTSIDE:
                    found.append(f"{name}:{node.lineno}: a ContextVar")
    assert found == []


_CLEAR = """
import mesocalc
from mesocalc._engine import engine as _engine
from mesocalc._planning import memo as _memo
from mesocalc._quantities import names as _names
from mesocalc._quantities import units as _units


def face():
    return mesocalc.plan(technique="classic", zone="face", area="40 cm^2", spacing="7 mm")


before, again = face(), face()
assert before.total_volume.magnitude > 0  # fills the unit stores
assert _memo._REQUESTS
assert _units._makers
assert _names._lookup.cache_info().currsize
_engine.clear()
assert not _memo._REQUESTS
assert not _units._makers
assert _names._lookup.cache_info().currsize == 0
after = face()
assert after.to_dict() == before.to_dict() == again.to_dict()
assert after.total_volume == before.total_volume
"""


def test_clear_empties_every_cache_and_table_and_plans_stay_the_same() -> None:
    # In a fresh interpreter: clearing makes a new shipped catalog, which other tests hold.
    subprocess.run([sys.executable, "-c", _CLEAR], check=True)


def test_a_table_is_one_store_per_name() -> None:
    assert _engine.table("units.makers") is _units._makers
    assert _engine.table("a test's own table") is _engine.table("a test's own table")


def test_imported_imports_once_numpy_first_and_loaded_never_imports() -> None:
    assert _engine.loaded("a module nobody imported") is None
    assert _engine.imported("json") is sys.modules["json"]
    assert _engine.loaded("json") is sys.modules["json"]
    assert _engine.loaded("numpy") is sys.modules["numpy"]  # imported before json, as first
    with pytest.raises(ModuleNotFoundError):
        _engine.imported("mesocalc_no_such_module")
    assert _engine.loaded("mesocalc_no_such_module") is None


def test_a_module_taken_out_of_sys_modules_is_imported_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = _engine.imported("json")
    monkeypatch.setitem(sys.modules, "json", None)  # import json now fails
    with pytest.raises(ModuleNotFoundError):
        _engine.imported("json")
    monkeypatch.undo()
    assert _engine.imported("json") is first
