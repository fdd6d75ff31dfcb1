"""The wheel's build step: the shipped catalog, parsed and validated once, kept as a file.

``mesocalc/_engine/built.py`` says why. The catalog is parsed by the package's own code, from
this source tree, so the file matches the modules beside it in the wheel. Editable
installs get no file: they parse catalog.toml at first use, as a source checkout must.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogHook(BuildHookInterface):  # type: ignore[type-arg]
    """Adds ``mesocalc/catalog.pickle`` to a wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Parse the catalog with the code being built, and include the result."""
        if self.target_name != "wheel" or version == "editable":
            return
        src = str(Path(self.root) / "src")
        sys.path.insert(0, src)
        try:
            from mesocalc._catalog import catalog as _catalog  # noqa: PLC0415
            from mesocalc._engine import built as _cache  # noqa: PLC0415
            from mesocalc._engine import files as _data  # noqa: PLC0415

            text = _data.read_text("catalog.toml")
            catalog = _catalog.parse_catalog(text, origin="mesocalc catalog")
            data = _cache.dump(text, catalog)
        finally:
            sys.path.remove(src)
            for name in [m for m in sys.modules if m == "mesocalc" or m.startswith("mesocalc.")]:
                del sys.modules[name]
        out = Path(tempfile.mkdtemp(prefix="mesocalc-build-")) / "catalog.pickle"
        out.write_bytes(data)
        build_data["force_include"][str(out)] = "mesocalc/catalog.pickle"
