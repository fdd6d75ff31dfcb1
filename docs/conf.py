"""Sphinx configuration of the documentation site (``nox -s docs``).

Furo and MyST, as attrs, structlog and cattrs have them; the API reference comes from the
docstrings, and docs/_ext/mesocalc_docs.py writes the catalog's tables and the unreleased
changelog at each build. The tutorial notebook runs as the site is built.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

import mesocalc

project = "mesocalc"
author = "mesocalc developers"
copyright = "2026, mesocalc developers"
release = mesocalc.__version__
version = release

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "mesocalc_docs",
]

source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
exclude_patterns = ["_build", "_generated", "images", "Thumbs.db", ".DS_Store"]
suppress_warnings: list[str] = []

html_theme = "furo"
html_title = f"mesocalc {release}"

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# The notebook runs at every build, and a failing cell fails the build.
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 300
nb_render_markdown_format = "gfm"  # a plan's Markdown repr is a table
nb_merge_streams = True
nb_output_stderr = "warn"  # a warning the notebook prints fails the build, as in the tests

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_inherit_docstrings = True
napoleon_google_docstring = True
napoleon_numpy_docstring = False
# attrs classes list their fields under "Attributes:"; as :ivar: fields they do not collide
# with the properties autodoc documents under the same names.
napoleon_use_ivar = True
