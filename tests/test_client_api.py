"""The client code of tests/typing/api.py runs and gives its numbers, as well as type-checking."""

from __future__ import annotations

from tests.typing import api


def test_the_typed_client_code_runs() -> None:
    api.test_client_code()


def test_the_precisely_typed_client_code_runs() -> None:
    assert api.client_precise_types() == 2 + 1 + 1 + 1
