"""Fixtures of the contract tests: a recorded sandbox per scenario and a tracker of the clients' surface."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from resources.http import VendorHttpClient


def public_methods(cls: type) -> set[str]:
    """The public methods a vendor client class adds over the shared HTTP base: its callable surface."""
    shared = set(dir(VendorHttpClient))
    return {
        name
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_") and name not in shared
    }


class Tracked:
    """A client whose public method calls are noted, so a test can prove the scenario called each one."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.called: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if name.startswith("_") or not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            self.called.add(name)
            return attr(*args, **kwargs)

        return call


def each(values: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run named steps, keeping what each returned (a scenario reads as a list of calls)."""
    return {name: step() for name, step in values.items()}
