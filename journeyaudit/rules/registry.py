"""Finds the rules: every module of this package, then the `journeyaudit.rules` entry points."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import lru_cache
from importlib.metadata import entry_points
from types import ModuleType
from typing import cast

from journeyaudit import rules as rules_package
from journeyaudit.rules.base import JourneyRule, PortfolioRule, Rule

_NOT_RULE_MODULES = {"base", "registry"}


def _rule_classes_in(module: ModuleType) -> list[type[Rule]]:
    found = []
    for _, obj in inspect.getmembers(module, inspect.isclass):
        if (
            issubclass(obj, Rule)
            and obj not in (Rule, JourneyRule, PortfolioRule)
            and getattr(obj, "id", None)
            and obj.__module__ == module.__name__
        ):
            found.append(obj)
    return found


@lru_cache(maxsize=1)
def all_rules() -> dict[str, Rule]:
    """Rule id -> rule instance, sorted by id; built-in rules first win a clash."""
    rules: dict[str, Rule] = {}
    for module_info in pkgutil.iter_modules(rules_package.__path__):
        if module_info.name in _NOT_RULE_MODULES or module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{rules_package.__name__}.{module_info.name}")
        for cls in _rule_classes_in(module):
            rules[cls.id] = cls()
    for entry_point in entry_points(group="journeyaudit.rules"):
        loaded = entry_point.load()
        # a class (trusted to be a rule, as documented), or a module of rules
        classes = [cast("type[Rule]", loaded)] if inspect.isclass(loaded) else _rule_classes_in(loaded)
        for cls in classes:
            rules.setdefault(cls.id, cls())
    return dict(sorted(rules.items()))
