"""Durations: `90s`, `20m`, `1.5h`, `2d`, `1w`, compounds like `1h30m`, or ISO 8601 (`PT20M`, `P2D`).

A bare number is never a duration: the unit is never guessed.
"""

from __future__ import annotations

import math
import re

from journeyaudit.common.text import brief

UNIT_SECONDS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}

_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)"
_PART = re.compile(rf"\s*({_NUMBER})\s*([smhdw])", re.IGNORECASE)
_COMPOUND = re.compile(rf"^(?:\s*{_NUMBER}\s*[smhdw])+\s*$", re.IGNORECASE)
_ISO = re.compile(
    rf"^P(?:({_NUMBER})W)?(?:({_NUMBER})D)?(?:T(?:({_NUMBER})H)?(?:({_NUMBER})M)?(?:({_NUMBER})S)?)?$",
    re.IGNORECASE,
)
_ISO_CALENDAR = re.compile(r"^P(?:\d+(?:\.\d*)?Y)?(?:\d+(?:\.\d*)?M)?", re.IGNORECASE)
_BARE_NUMBER = re.compile(rf"^\s*[-+]?{_NUMBER}(?:e[-+]?\d+)?\s*$", re.IGNORECASE)

HINT = "write a number with a unit (90s, 20m, 1.5h, 2d, 1w) or ISO 8601 (PT20M, P2D)"


class DurationError(ValueError):
    """A text that is not a duration; the message says why and how to write one."""


def parse_duration(text: str) -> float:
    """Seconds in `text`; raises DurationError with a fix hint."""
    raw = text.strip()
    shown = brief(raw)  # quoted in messages: a 10 MB value must not make a 10 MB message
    if not raw:
        raise DurationError(f"empty duration: {HINT}")
    if _BARE_NUMBER.match(raw):
        raise DurationError(f"'{shown}' is a bare number: the unit is never guessed; {HINT}, e.g. '{shown.lstrip('+')}m'")
    if raw.startswith("-"):
        raise DurationError(f"'{shown}' is negative: a duration is zero or more")
    if raw[0] in "Pp":
        match = _ISO.match(raw)
        if match and raw.upper() not in ("P", "PT") and not raw.upper().endswith("T"):
            weeks, days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
            return _finite(weeks * 604800 + days * 86400 + hours * 3600 + minutes * 60 + seconds, raw)
        calendar = _ISO_CALENDAR.match(raw)
        if calendar and calendar.group(0) not in ("P", "p"):
            raise DurationError(f"'{shown}' uses years or months, which have no fixed length; give days or weeks (P30D)")
        raise DurationError(f"malformed ISO 8601 duration '{shown}': {HINT}")
    if _COMPOUND.match(raw):
        total = sum(float(number) * UNIT_SECONDS[unit.lower()] for number, unit in _PART.findall(raw))
        return _finite(total, raw)
    raise DurationError(f"malformed duration '{shown}': {HINT}")


def written_duration(seconds: float) -> str:
    """`seconds` as the format writes a duration, read back exactly: one number with its
    unit where one unit fits (`2d`, `5h`, `20m`, `45s`, `548.5s`), else ISO 8601 (`PT9M8S`,
    `P1DT6H26M`). What journeyaudit writes into journey files (calibrate, fix)."""
    if seconds < 0 or not math.isfinite(seconds):
        raise ValueError(f"not a duration: {seconds!r}")
    if not seconds.is_integer() or seconds >= 2**53:
        return _shortest_number(seconds) + "s"
    whole = int(seconds)
    if whole < 60:
        return f"{whole}s"
    for unit in ("w", "d", "h", "m"):
        if whole % int(UNIT_SECONDS[unit]) == 0:
            return f"{whole // int(UNIT_SECONDS[unit])}{unit}"
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    time = "".join(f"{amount}{unit}" for amount, unit in ((hours, "H"), (minutes, "M"), (secs, "S")) if amount)
    return f"P{days}DT{time}" if days else f"PT{time}"


def _shortest_number(value: float) -> str:
    """The shortest decimal that reads back as `value`, without an exponent."""
    text = repr(float(value))
    if "e" in text or "E" in text:
        from decimal import Decimal

        text = format(Decimal(value), "f")
    return text


# no step of a customer journey lasts a century; past it the figures built from a duration (microseconds,
# sums over loops) would overflow
MAX_DURATION_S = 100 * 365 * 86400.0


def _finite(seconds: float, raw: str) -> float:
    if not math.isfinite(seconds) or seconds > MAX_DURATION_S:
        raise DurationError(f"duration '{brief(raw)}' is too large: at most 100 years (P36500D)")
    return seconds


def format_duration(seconds: float) -> str:
    """A short human form with the two largest non-zero units: `45s`, `18m`, `1h 5m`, `1d 6h`, `3d 40m`.

    The rest is rounded (half up) to the smaller unit shown: 1d 6h 26m is `1d 6h`,
    3d 5h 54m is `3d 6h`, 59m 40s stays `59m 40s`. Used by messages and reports;
    the exact figure is always in the JSON output.
    """
    if seconds is None or not math.isfinite(seconds):
        return "∞"
    total = math.floor(seconds + 0.5)
    if total <= 0:
        return "0s"
    units = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
    per_larger = {86400: None, 3600: 24, 60: 60, 1: 60}  # how many of a unit make the next larger one
    shown = [size for _, size in units if (total // size) % (per_larger[size] or total // size + 1)][:2]
    step = shown[-1]
    total = (total + step // 2) // step * step
    parts = []
    for unit, size in units:
        amount, total = divmod(total, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return " ".join(parts[:2])


def format_duration_exact(seconds: float) -> str:
    """Every non-zero unit down to the second: `1d 6h 26m`, for two durations whose
    short forms would read the same."""
    if seconds is None or not math.isfinite(seconds):
        return "∞"
    remaining, parts = math.floor(seconds + 0.5), []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        amount, remaining = divmod(remaining, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return " ".join(parts) or "0s"


def format_figure(value: float) -> str:
    """A figure as people read it: at most 2 decimals, trailing zeros dropped (6, 2.5, 3.96, 0.08, 1,250).

    A figure that is not zero but rounds to it is shown as `<0.01`, so that a rare
    branch never looks absent. Messages and reports use this; the JSON keeps 3 decimals.
    """
    if value is None or not math.isfinite(value):
        return "∞"
    if 0 < abs(value) < 0.005:
        return "<0.01" if value > 0 else ">-0.01"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_share(value: float) -> str:
    """A share (0–1) as a whole percentage: `98%`. A share that is neither none nor all
    never reads as 0% or 100%: it gets one decimal (`99.6%`, `0.4%`), or `<0.1%` / `>99.9%`."""
    if value is None or not math.isfinite(value):
        return "–"
    percent = value * 100
    text = f"{percent:.0f}%"
    if 0 < value < 1 and text in ("0%", "100%", "-0%"):
        text = f"{percent:.1f}%"
        if text == "0.0%":
            text = "<0.1%"
        elif text == "100.0%":
            text = ">99.9%"
    return text


def duration_against(seconds: float, other: float) -> str:
    """`seconds` in the short form, or to the second when the short form would
    read like `other` although they differ ("1d 6h 26m" against a promise of "1d 6h")."""
    text = format_duration(seconds)
    if text == format_duration(other) and seconds != other:
        return format_duration_exact(seconds)
    return text


def figure_against(value: float, other: float) -> str:
    """`value` as a figure, or to 3 decimals when it would read like `other` although they differ."""
    text = format_figure(value)
    if text == format_figure(other) and value != other:
        return f"{value:,.3f}"
    return text


def format_shares(values: list[float]) -> list[str]:
    """Shares that belong together (the branches of one step) as percentages that
    add up: whole percents by largest remainder (1/3 each: 34%, 33%, 33%), unless
    that would show a share that is neither none nor all as 0% or 100%; then each
    is written as `format_share` writes it."""
    texts = [format_share(v) for v in values]
    total = sum(values)
    if not values or not math.isfinite(total) or abs(total - 1) > 1e-6:
        return texts
    scaled = [v * 100 for v in values]
    whole = [math.floor(s + 1e-9) for s in scaled]
    missing = 100 - sum(whole)
    by_remainder = sorted(range(len(values)), key=lambda i: (-(scaled[i] - whole[i]), i))
    for i in by_remainder[:max(missing, 0)]:
        whole[i] += 1
    if any((w == 0 and v > 0) or (w == 100 and v < 1) for w, v in zip(whole, values)):
        return texts
    return [f"{w}%" for w in whole]
