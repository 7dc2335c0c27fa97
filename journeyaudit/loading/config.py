"""Configuration: `[tool.journeyaudit]` in pyproject.toml, or a journeyaudit.toml.

The closest file to the audited path wins (ruff's rule: no merging of parent
files; a pyproject.toml without the section is skipped). `--config FILE`
names one explicitly; command-line flags override the file.

    [tool.journeyaudit]
    fail-on = "warning"                 # error (default), warning or info
    [tool.journeyaudit.rules]
    no-feedback = "off"                 # a severity alone
    handoffs = { max = 2 }              # options
    long-wait = { severity = "error", phone = "3m" }
    [tool.journeyaudit.budgets]         # see docs/ci.md
    max_handoffs = 3

Unknown keys, rules and options are errors with "did you mean".
"""

from __future__ import annotations

import fnmatch
import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journeyaudit.common.bounded_read import open_input, read_at_most
from journeyaudit.common.text import did_you_mean, display_path, line_column, nesting_past
from journeyaudit.model.findings import FAIL_ON_CHOICES, SEVERITIES, Problem

if TYPE_CHECKING:  # the rules stage sits below loading: imported where options are resolved
    from journeyaudit.rules.base import Rule

CONFIG_NAMES = ("journeyaudit.toml", "pyproject.toml")
RULE_SEVERITIES = (*SEVERITIES, "off")
TOP_KEYS = ("fail-on", "rules", "budgets", "exclude", "evidence")
EVIDENCE_KEYS = ("log", "map")
MAX_CONFIG_BYTES = 10 * 1024 * 1024
# Python's TOML parser recurses per level of nesting; no configuration nests this deep.
MAX_CONFIG_NESTING = 100


class ConfigError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.format() for p in problems))
        self.problems = problems


@dataclass(slots=True)
class RuleSettings:
    severity: str | None = None  # None: the rule's default
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Config:
    file: str | None = None  # as shown in messages
    path: str | None = None  # as given, to open (an input no output may overwrite)
    fail_on: str = "error"
    rules: dict[str, RuleSettings] = field(default_factory=dict)
    budgets: dict[str, Any] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    # journey id -> (log, map or None), paths relative to the configuration file (docs/evidence.md)
    evidence: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    def severity(self, rule: Rule) -> str:
        settings = self.rules.get(rule.id)
        return settings.severity if settings and settings.severity else rule.default_severity

    def options(self, rule: Rule) -> dict[str, Any]:
        from journeyaudit.rules.base import resolve_options

        settings = self.rules.get(rule.id)
        return resolve_options(rule, settings.options if settings else None)

    def is_excluded(self, path: str | os.PathLike) -> bool:
        """Does an `exclude` glob match the file: its path relative to the configuration
        file's folder (or the working folder), one of its folders, or its name?"""
        if not self.exclude:
            return False
        base = Path(self.file).resolve().parent if self.file else Path.cwd()
        absolute = Path(os.path.abspath(path))
        try:
            relative = absolute.relative_to(base).as_posix()
        except ValueError:
            relative = absolute.as_posix()
        parts = relative.split("/")
        candidates = {relative, parts[-1], *("/".join(parts[:end]) for end in range(1, len(parts)))}
        patterns = [pattern.rstrip("/") for pattern in self.exclude]
        return any(fnmatch.fnmatchcase(candidate, pattern) for pattern in patterns for candidate in candidates)


def find_config_file(start: str | os.PathLike) -> Path | None:
    """The closest journeyaudit.toml, or pyproject.toml with [tool.journeyaudit], upward from `start`."""
    folder = Path(start).resolve()
    if not _is_folder(folder):
        folder = folder.parent
    for candidate_folder in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            candidate = candidate_folder / name
            if not _is_file(candidate):
                continue
            if name == "pyproject.toml" and not _has_our_section(candidate):
                continue
            return candidate
    return None


def _is_file(path: Path) -> bool:
    """`path.is_file()`, False in a folder we may not search (pathlib raises there)."""
    try:
        return path.is_file()
    except OSError:
        return False


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


_OUR_TABLE = re.compile(rb"^[ \t]*\[+[ \t]*[\"']?tool[\"']?[ \t]*\.[ \t]*[\"']?journeyaudit\b", re.MULTILINE)


def _has_our_section(pyproject: Path) -> bool:
    """Does this pyproject.toml configure journeyaudit? One that does not parse counts when
    it names [tool.journeyaudit]: load_config then reports the syntax error (file:line:column)
    instead of the configuration being skipped without a word."""
    try:
        with open(pyproject, "rb") as handle:
            data = read_at_most(handle, MAX_CONFIG_BYTES)
    except OSError:
        return False
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
        if nesting_past(text, MAX_CONFIG_NESTING, _TOML_TOKENS) is None:
            tool = tomllib.loads(text).get("tool", {})
            return isinstance(tool, dict) and "journeyaudit" in tool
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError, ValueError):
        pass
    return bool(_OUR_TABLE.search(data))


def _line_of(text: str, key: str) -> tuple[int, int]:
    """Where `key` is set in the TOML text (tomllib keeps no positions); 1:1 when not found."""
    pattern = re.compile(r'^(\s*)["\']?' + re.escape(key) + r'["\']?\s*=', re.MULTILINE)
    match = pattern.search(text)
    if not match:
        pattern = re.compile(r'[{,]\s*["\']?' + re.escape(key) + r'["\']?\s*=')
        match = pattern.search(text)
        if not match:
            return 1, 1
        start = match.start() + 1
        while text[start] in " {,":
            start += 1
    else:
        start = match.start() + len(match.group(1))
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, column


def _parse_toml(text: str, shown: str) -> dict[str, Any]:
    """The TOML document, or ConfigError at the culprit: a syntax error, nesting too deep for
    the parser (it recurses per level), an integer past Python's 4,300-digit limit."""
    deep = nesting_past(text, MAX_CONFIG_NESTING, _TOML_TOKENS)
    if deep is not None:
        message = f"arrays and tables nest deeper than {MAX_CONFIG_NESTING} levels: is it really a configuration?"
        raise ConfigError([Problem(shown, *line_column(text, deep), message, "config")])
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        line, column = (int(match.group(1)), int(match.group(2))) if match else (1, 1)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise ConfigError([Problem(shown, line, column, f"TOML syntax error: {message}", "config")]) from None
    except RecursionError:
        raise ConfigError([Problem(shown, 1, 1, "the configuration nests too deeply", "config")]) from None
    except ValueError:  # int() refuses a number of more than 4,300 digits
        long_number = re.search(r"[0-9][0-9_]{4000,}", text)
        line, column = line_column(text, long_number.start()) if long_number else (1, 1)
        raise ConfigError([Problem(shown, line, column, "a number with thousands of digits: write a real value", "config")]) from None


# TOML strings and comments (their brackets do not count as nesting), and single brackets.
_TOML_TOKENS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}]')


def load_config(path: str | os.PathLike | None, rules: dict[str, Rule]) -> Config:
    """Read and check a config file; None gives the defaults. Raises ConfigError."""
    if path is None:
        return Config()
    shown = display_path(path)
    try:
        with open_input(path) as handle:  # at most the limit: `--config /dev/zero` must not fill the memory
            data = read_at_most(handle, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        raise ConfigError([Problem(shown, 1, 1, "config file not found", "config")]) from None
    except OSError as error:
        raise ConfigError([Problem(shown, 1, 1, f"cannot read the config file: {error.strerror or error}", "config")]) from None
    if len(data) > MAX_CONFIG_BYTES:
        message = f"the config file is larger than {MAX_CONFIG_BYTES >> 20} MiB: is it really a configuration?"
        raise ConfigError([Problem(shown, 1, 1, message, "config")])
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a byte-order mark (Windows editors write one): not TOML, but harmless
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = len(data[data.rfind(b"\n", 0, error.start) + 1 : error.start].decode("utf-8", "replace")) + 1
        message = f"the file is not UTF-8 text (byte 0x{data[error.start]:02x}); save it as UTF-8"
        raise ConfigError([Problem(shown, line, column, message, "config")]) from None
    document = _parse_toml(text, shown)
    tool = document.get("tool", {})
    if Path(path).name == "pyproject.toml" or (isinstance(tool, dict) and "tool" in document):
        if not isinstance(tool, dict):
            line, column = _line_of(text, "tool")
            raise ConfigError([Problem(shown, line, column, "`tool` must be a table ([tool.journeyaudit])", "config")])
        section = tool.get("journeyaudit", {})
    else:
        section = document
    config = parse_config(section, rules, shown, text)
    config.path = os.fspath(path)
    return config


def parse_config(section: dict, rules: dict[str, Rule], shown: str = "<config>", text: str = "") -> Config:
    from journeyaudit.rules.base import resolve_options

    problems: list[Problem] = []

    def problem(key: str, message: str) -> None:
        line, column = _line_of(text, key)
        problems.append(Problem(shown, line, column, message, "config"))

    config = Config(file=shown)
    if not isinstance(section, dict):
        raise ConfigError([Problem(shown, 1, 1, "the journeyaudit configuration must be a table", "config")])
    for key in section:
        if key not in TOP_KEYS:
            problem(key, f"unknown setting '{key}'{did_you_mean(key, TOP_KEYS)} (settings: {', '.join(TOP_KEYS)})")
    fail_on = section.get("fail-on", "error")
    if fail_on not in FAIL_ON_CHOICES:
        problem("fail-on", f"fail-on must be one of {', '.join(FAIL_ON_CHOICES)}, not {fail_on!r}")
    else:
        config.fail_on = fail_on
    budgets = section.get("budgets", {})
    if not isinstance(budgets, dict):
        problem("budgets", "budgets must be a table of metric = value")
    else:
        config.budgets = budgets
    exclude = section.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(item, str) for item in exclude):
        problem("exclude", "exclude must be a list of glob patterns")
    else:
        config.exclude = tuple(exclude)
    config.evidence = _evidence(section.get("evidence", {}), shown, problem)

    rule_table = section.get("rules", {})
    if not isinstance(rule_table, dict):
        problem("rules", "rules must be a table: rule id = severity or { severity = ..., option = ... }")
        rule_table = {}
    for rule_id, value in rule_table.items():
        rule = rules.get(rule_id)
        if rule is None:
            problem(rule_id, f"unknown rule '{rule_id}'{did_you_mean(rule_id, rules)} (see `journeyaudit rules`)")
            continue
        settings = RuleSettings()
        if isinstance(value, str):
            value = {"severity": value}
        if not isinstance(value, dict):
            problem(rule_id, f"rule '{rule_id}' takes a severity ({', '.join(RULE_SEVERITIES)}) or a table of options")
            continue
        for option, option_value in value.items():
            if option in ("severity", "level"):
                if option_value not in RULE_SEVERITIES:
                    problem(rule_id, f"severity of rule '{rule_id}' must be one of {', '.join(RULE_SEVERITIES)}, not {option_value!r}")
                else:
                    settings.severity = option_value
                continue
            if option not in rule.options and rule.extra_options is None:
                choices = list(rule.options) + ["severity"]
                hint = did_you_mean(option, choices)
                known = f" (options: {', '.join(rule.options)})" if rule.options else " (it has no options)"
                problem(option, f"rule '{rule_id}' has no option '{option}'{hint}{known if not hint else ''}")
                continue
            if option in rule.options:
                expected = rule.options[option]
                if not _same_type(expected, option_value):
                    problem(option, f"option '{option}' of rule '{rule_id}' must be {_type_name(expected)}, not {option_value!r}")
                    continue
                wrong = _value_problem(expected, option_value)
                if wrong:
                    problem(option, f"option '{option}' of rule '{rule_id}' {wrong}")
                    continue
            settings.options[option] = option_value
        try:
            resolve_options(rule, settings.options)
        except ValueError as error:
            problem(rule_id, str(error))
            continue
        config.rules[rule_id] = settings
    if problems:
        raise ConfigError(problems)
    return config


def _evidence(table: Any, shown: str, problem) -> dict[str, tuple[str, str | None]]:
    """[tool.journeyaudit.evidence]: journey id = { log = "...", map = "..." } (map optional)."""
    if not isinstance(table, dict):
        problem("evidence", 'evidence must be a table: journey id = { log = "LOG", map = "MAP" }')
        return {}
    base = Path(shown).parent if shown not in ("<config>",) else Path(".")
    found: dict[str, tuple[str, str | None]] = {}
    for journey_id, value in table.items():
        if isinstance(value, str):
            value = {"log": value}
        if not isinstance(value, dict) or not isinstance(value.get("log"), str):
            problem(journey_id, f'evidence for journey \'{journey_id}\' must be {{ log = "LOG", map = "MAP" }} (map optional)')
            continue
        unknown = [key for key in value if key not in EVIDENCE_KEYS]
        if unknown:
            problem(unknown[0], f"unknown key '{unknown[0]}' in the evidence of '{journey_id}'{did_you_mean(unknown[0], EVIDENCE_KEYS)}")
            continue
        if "map" in value and not isinstance(value["map"], str):
            problem(journey_id, f"the map of journey '{journey_id}' must be a path")
            continue
        log = str(base / value["log"])
        found[journey_id] = (log, str(base / value["map"]) if "map" in value else None)
    return found


def _same_type(expected: Any, value: Any) -> bool:
    if isinstance(expected, bool):
        return isinstance(value, bool)
    if isinstance(expected, (int, float)):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(expected, str):
        return isinstance(value, str)
    if isinstance(expected, list):
        return isinstance(value, list)
    if isinstance(expected, dict):
        return isinstance(value, dict)
    return True


def _value_problem(expected: Any, value: Any) -> str | None:
    """What is wrong with a value of the right type (None when nothing): rules count and
    compare with their options, so a negative, infinite or NaN limit is never meant."""
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        if not math.isfinite(value):
            return f"must be a finite number, not {value!r}"
        if value < 0:
            return f"must be zero or more, not {value!r}"
    if isinstance(expected, list) and all(isinstance(item, str) for item in expected):
        odd = [item for item in value if not isinstance(item, str)]
        if odd:
            return f"must be a list of text, not {odd[0]!r} in the list"
    return None


def _type_name(expected: Any) -> str:
    if isinstance(expected, bool):
        return "true or false"
    if isinstance(expected, (int, float)):
        return "a number"
    if isinstance(expected, str):
        return "text (a duration like \"5m\" where it is one)"
    if isinstance(expected, list):
        return "a list"
    return type(expected).__name__
