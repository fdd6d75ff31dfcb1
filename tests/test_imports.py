"""Importing mesocalc stays cheap: optional and heavy dependencies, numpy too, load on use."""

from __future__ import annotations

import importlib.machinery
import subprocess
import sys
import types
from typing import Any

import numpy as np
import pytest

from mesocalc._engine import numpy_binding as _numpy


def test_import_mesocalc_imports_no_optional_dependency() -> None:
    code = (
        "import sys, mesocalc\n"
        "heavy = [m for m in ('pint', 'pandas', 'pint_pandas', 'shapely', 'matplotlib')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def _modules_after(code: str, *names: str) -> list[str]:
    check = f"import sys\n{code}\nprint('modules:' + ','.join(m for m in {names!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    last = out.stdout.strip().splitlines()[-1].removeprefix("modules:")
    return [m for m in last.split(",") if m]


def test_import_mesocalc_does_not_import_numpy() -> None:
    assert _modules_after("import mesocalc", "numpy") == []


def test_a_plan_of_one_area_from_strings_its_table_and_json_need_no_numpy() -> None:
    code = (
        "import mesocalc\n"
        "p = mesocalc.plan(technique='classic', zone='face', area='40 cm^2', depth='1.5 mm')\n"
        "assert p.points == 40 and p.warnings and str(p)\n"
        "import json; json.dumps(p.to_dict())"
    )
    assert _modules_after(code, "numpy", "pint") == []


def test_the_command_line_plans_without_numpy() -> None:
    code = (
        "from mesocalc._exchange.cli import main\n"
        "main(['plan', '--technique', 'classic', '--zone', 'face', '--area', '40 cm^2'])"
    )
    assert _modules_after(code, "numpy", "pint") == []


def test_a_plan_over_arrays_imports_numpy_on_first_use() -> None:
    code = (
        "import mesocalc\n"
        "from mesocalc._quantities import arithmetic as _core, units as _units\n"
        "p = mesocalc.plan(technique='classic', zone='face', area=['4 cm^2', '40 cm^2'])\n"
        "assert p.points.tolist() == [4, 40]\n"
        "assert _core.np.ndarray is sys.modules['numpy'].ndarray and _units.np is _core.np"
    )
    assert _modules_after(code, "numpy") == ["numpy"]


def test_the_stand_in_reads_numpy_on_first_use_and_writes_into_no_module() -> None:
    stand_in: Any = _numpy._Numpy("numpy")
    home: dict[str, Any] = {"np": stand_in}
    assert repr(stand_in) == "<numpy, imported on first use>"
    assert stand_in.float64 is np.float64
    assert stand_in.asarray is np.asarray  # numpy's names are copied in on the first read
    assert "asarray" in vars(stand_in)
    assert repr(stand_in) == "<numpy>"
    assert stand_in.testing is np.testing  # a name numpy makes on its first read
    assert home["np"] is stand_in


def test_modules_bind_the_engines_stand_in() -> None:
    assert _numpy.bind({}) is _numpy.NUMPY
    assert _numpy.NUMPY.ndarray is np.ndarray


def test_numpy_still_being_imported_is_not_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    half = types.ModuleType("numpy")
    half.__spec__ = importlib.machinery.ModuleSpec("numpy", None)
    half.__spec__._initializing = True  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "numpy", half)
    assert not _numpy.loaded()
    assert not _numpy.is_ndarray(np.zeros(1))  # a module without ndarray yet holds none
    monkeypatch.delitem(sys.modules, "numpy")
    assert not _numpy.loaded()
    assert not _numpy.is_ndarray([1.0])


def test_is_ndarray_tells_arrays_from_the_rest() -> None:
    assert _numpy.is_ndarray(np.zeros(2))
    assert not _numpy.is_ndarray([0.0, 0.0])
    assert not _numpy.is_ndarray(np.float64(1.0))
