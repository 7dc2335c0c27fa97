"""The rule documentation, rendered from the rule classes.

`python -m journeyaudit.rules.docs > docs/rules.md` regenerates the committed
catalog; `journeyaudit explain RULE` prints one rule with `rule_text`. The
registry imports this module like any other (it defines no rule).
"""

from __future__ import annotations

import re

from journeyaudit.rules.base import Rule

CATEGORIES = {
    "structure": "Structure: the customer can get lost",
    "handoffs": "Hand-offs: the customer is passed around",
    "information": "Information: the customer repeats themselves",
    "hostile": "Customer-hostile steps",
    "portfolio": "Portfolio: journeys judged against each other",
}

# The articles behind the rules (shared/seeds/): what a reader is told instead of a file name.
SEED_TITLES = {
    "000": "“Don't Lose Your Customers”, from Pivot Point Solutions",
    "001": "“How to Lose a Customer in 5 Ways” by John Jantsch",
    "002": "“Are Your Customers Getting The Love They Deserve?”",
    "003": "Frank Sonnenberg's article on treating every customer as your only customer, and a reader's comment",
    "004": "“Keeping your customers”, a small-business blog",
}
_SEED_FILE = re.compile(r"\((\d{3})_[0-9a-f]+\.txt(,[^)]*)?\)")

# Each rule in words a client reads without the journey format at hand: a headline and,
# where the rule's own fix names the format's keys, the fix without them.
PLAIN_WORDS: dict[str, tuple[str, str]] = {
    "broken-promise": ("The journey takes longer, or needs more contacts, than the customer was promised", ""),
    "business-only-step": ("A step costs the customer time or questions but only serves the company", ""),
    "channel-switch": ("The customer has to change channel, for example from the phone to the post", ""),
    "dead-end": ("The journey stops without an outcome: the customer is left stuck",
                 "Decide where the customer goes next, or close the journey with a clear outcome."),
    "departments-touched": ("Too many departments deal with a typical customer", ""),
    "effort-asymmetry": ("This journey is much harder than its counterpart (getting out against getting in)", ""),
    "exit-without-human": ("A customer who leaves never speaks to a person", ""),
    "handoffs": ("The customer is passed from department to department too often", ""),
    "long-wait": ("The customer waits too long", ""),
    "loyalty-penalty": ("Loyal customers have a harder time than new ones", ""),
    "missing-counterpart": ("A related journey was not part of this review",
                            "Review both journeys together, or correct the reference."),
    "no-feedback": ("The customer is never asked how it went",
                    "Add a short survey or a call where the customer can say what was not right."),
    "no-follow-up": ("Nobody checks in after the customer has paid",
                     "Check in after the payment (or the sale): make sure the customer gets the value promised."),
    "no-way-out": ("Some customers go round in circles with no way to a good outcome", ""),
    "ping-pong": ("The case goes back and forth between departments", ""),
    "repeated-ask": ("The customer is asked again for information the company already has", ""),
    "repeated-verification": ("The customer's identity or request is checked more than once", ""),
    "silence-gap": ("The customer hears nothing for a long time", ""),
    "unreachable-step": ("A step of the journey map that no customer ever reaches",
                         "Connect the step to the journey, or remove it from the map."),
}


def without_code(text: str) -> str:
    """Rule text without the journey format's `code` marks (the words inside kept)."""
    return text.replace("`", "")


def story_sources(story: str) -> str:
    """A story with each seed file it cites, `(000_25f2….txt, point 1)`, named by its article."""
    return _SEED_FILE.sub(lambda m: f"(from {SEED_TITLES.get(m.group(1), 'an article')}{m.group(2) or ''})", story)


def plain_words(rule: Rule) -> dict[str, str]:
    """What a client reads of a rule: headline, fix and story in plain words."""
    headline, fix = PLAIN_WORDS.get(rule.id, ("", ""))
    return {
        "headline": headline or without_code(rule.summary) or rule.id,
        "fix": fix or without_code(rule.fix),
        "story": story_sources(rule.story),
        "source": SEED_TITLES.get(rule.seed, ""),
    }


def ordered_rules(builtin_only: bool = False) -> list[Rule]:
    """Rules in catalog order: by category as rules.md groups them, then by id.

    `builtin_only` leaves out rules of other packages (entry points), so the
    committed docs/rules.md does not depend on what else is installed.
    """
    from journeyaudit.rules.registry import all_rules

    rules = [
        rule
        for rule in all_rules().values()
        if not builtin_only or type(rule).__module__.startswith("journeyaudit.rules.")
    ]
    order = list(CATEGORIES)
    return sorted(
        rules,
        key=lambda rule: (order.index(rule.category) if rule.category in order else len(order), rule.id),
    )

def option_text(value) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(str(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)

def options_lines(rule: Rule) -> list[str]:
    lines = [f"{name}: {option_text(value)}" for name, value in rule.options.items()]
    if rule.extra_options:
        lines.append(f"any other name: a {rule.extra_options} (for example a channel of your own)")
    return lines

def _fence(text: str) -> list[str]:
    return ["```yaml", text.rstrip("\n"), "```"]

def rule_markdown(rule: Rule, level: int = 2) -> str:
    hashes = "#" * level
    lines = [f"{hashes} `{rule.id}`", ""]
    lines.append(f"**Default severity:** {rule.default_severity} · **Category:** {rule.category}")
    lines += ["", rule.summary, "", rule.description, ""]
    lines.append("**Options:**" if rule.options or rule.extra_options else "**Options:** none.")
    if rule.options or rule.extra_options:
        lines.append("")
        lines += [f"- `{line.split(':', 1)[0]}`:{line.split(':', 1)[1]}" for line in options_lines(rule)]
    lines += ["", f"**Story{f' (seed {rule.seed})' if rule.seed else ''}:**", "", f"> {rule.story}", ""]
    lines += [f"**Fix:** {rule.fix}", ""]
    lines += ["**Failing example** (the rule reports it):", ""] + _fence(rule.failing) + [""]
    lines += ["**Passing example** (the rule does not report it):", ""] + _fence(rule.passing) + [""]
    companion = getattr(rule, "companion", "")
    if companion:
        lines += ["**Audited together with:**", ""] + _fence(companion) + [""]
    fixes = getattr(rule, "fixes", ())
    if not fixes:
        no_fix = getattr(rule, "no_fix", "")
        lines += [f"**Fixes (`journeyaudit fix`):** none. {no_fix}".rstrip(), ""]
    for doc in fixes:
        lines += [f"**Fix `{doc.kind}`** (`journeyaudit fix`): {doc.changes} *Why it is safe:* {doc.safe}", ""]
        if doc.failing != rule.failing:
            lines += ["The rule reports this journey:", ""] + _fence(doc.failing) + [""]
        lines += [f"After `{doc.kind}`{' on the failing example' if doc.failing == rule.failing else ''}:", ""]
        lines += _fence(doc.passing) + [""]
    return "\n".join(lines)

def rule_text(rule: Rule, width: int = 88) -> str:
    """One rule for the terminal, in plain words first: what it looks for, why it matters (the
    article behind it, by title), how to fix it; then its options and examples. Wrapped to
    `width` with hanging indents."""
    import textwrap

    def block(title: str, text: str) -> list[str]:
        body = textwrap.fill(" ".join(text.split()), width=max(width, 40), initial_indent="  ", subsequent_indent="  ")
        return [title, body, ""]

    plain = plain_words(rule)
    category = CATEGORIES.get(rule.category, rule.category or "other").split(":")[0].lower()
    def fill(text: str, indent: str = "  ") -> list[str]:
        return textwrap.wrap(text, width=max(width, 40), subsequent_indent=indent) or [""]

    lines = fill(f"{rule.id}: {plain['headline']}")
    lines += fill(f"Reported as {'an' if rule.default_severity[:1] in 'aeiou' else 'a'} {rule.default_severity} "
                  f"by default; {category}.") + [""]
    lines += block("What it looks for", without_code(rule.summary))
    if rule.description:
        lines += block("In detail", without_code(rule.description))
    if rule.story:
        lines += block("Why it matters", story_sources(rule.story) + (f" [seed {rule.seed}]" if rule.seed else ""))
    lines += block("How to fix it", without_code(rule.fix))
    option_lines = options_lines(rule)
    if option_lines:
        lines += fill(f"Options (in the configuration: [tool.journeyaudit.rules] {rule.id} = {{ ... }})")
        lines += [f"  {line}" for line in option_lines]
    else:
        lines.append("Options: none (only its severity can be set)")
    lines += ["", "A journey it reports (failing example):", ""] + _indent(rule.failing) + [""]
    lines += ["A journey it passes (passing example):", ""] + _indent(rule.passing)
    companion = getattr(rule, "companion", "")
    if companion:
        lines += ["", "Audited together with:", ""] + _indent(companion)
    fixes = getattr(rule, "fixes", ())
    if not fixes:
        lines += [""] + fill(f"Fixes (journeyaudit fix): none. {getattr(rule, 'no_fix', '')}".rstrip(), "")
    for doc in fixes:
        lines += [""] + fill(f"Fix {doc.kind} (journeyaudit fix): {doc.changes}", "")
        lines += fill(f"  Why it is safe: {doc.safe}")
        if doc.failing != rule.failing:
            lines += ["", "The rule reports this journey:", ""] + _indent(doc.failing)
        lines += ["", f"After {doc.kind}{' on the failing example' if doc.failing == rule.failing else ''}:", ""]
        lines += _indent(doc.passing)
    return "\n".join(lines)


def _indent(text: str) -> list[str]:
    return ["    " + line if line else "" for line in text.rstrip("\n").splitlines()]

def rule_json(rule: Rule) -> dict:
    return {
        "id": rule.id,
        "default_severity": rule.default_severity,
        "category": rule.category,
        "summary": rule.summary,
        "options": dict(rule.options.items()),
        "extra_options": rule.extra_options,
        "portfolio": rule.portfolio,
        "fixes": [doc.kind for doc in getattr(rule, "fixes", ())],  # the kinds `journeyaudit fix` offers
    }

def catalog_markdown() -> str:
    rules = ordered_rules(builtin_only=True)
    lines = [
        "# Rules",
        "",
        "<!-- Generated by `python -m journeyaudit.rules.docs > docs/rules.md` from the rule classes"
        " in journeyaudit/rules/: edit those, not this file. -->",
        "",
        "Every rule can be set to `error`, `warning`, `info` or `off` and takes its options in the",
        "configuration file. `journeyaudit explain RULE` prints one rule's page in the terminal.",
        "",
        "| id | default | category | summary |",
        "|---|---|---|---|",
    ]
    for rule in rules:
        summary = rule.summary.replace("|", "\\|")
        lines.append(f"| [`{rule.id}`](#{rule.id}) | {rule.default_severity} | {rule.category} | {summary} |")
    lines.append("")
    current = None
    for rule in rules:
        if rule.category != current:
            current = rule.category
            lines += [f"## {CATEGORIES.get(current, current or 'Other')}", ""]
        lines.append(rule_markdown(rule, level=3))
    return "\n".join(lines).rstrip("\n") + "\n"

if __name__ == "__main__":
    import sys

    sys.stdout.write(catalog_markdown())
