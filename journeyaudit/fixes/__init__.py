"""Fixes with their measured effect: what to change first, and the to-be journey written for you.

A fix is a concrete edit of a journey (drop an ask of held data, cut a wait to
the channel's limit, let the department already handling the case do a
step, add a survey...); its effect is the difference between two audits: the
journey as it is, and the journey with the edit, analysed and audited again.
shared/spec/output.md ("Fixes") is the contract; docs/fixes.md the user's page.

The API reports and other tools use:

    from journeyaudit.fixes import fixes_for_result, attach_fixes

    found = fixes_for_result(result, config)      # journey id -> JourneyFixes
    for fix in found["loan-payoff"].fixes:        # best first
        fix.id            # "use-held-data@loans-desk"
        fix.title         # "Stop asking for Full name at 'loans-desk'" (what it changes)
        fix.summary       # the title and why: "...: it is already held"
        fix.rule          # the rule of the findings it was made for
        fix.findings      # fingerprints of the findings it resolves
        fix.new_findings  # Finding objects of problems the changed journey would have
        fix.impact        # every figure that changes: after minus before, {"score": 6, ...}
        fix.metrics       # every figure of the changed journey
        fix.line()        # "Stop asking for Full name at 'loans-desk': score +6, 1 ask fewer"
    found["loan-payoff"].combined   # Combined: all of them applied together (.applied, .impact, ...)

    attach_fixes(result, config)    # the same, kept on each JourneyResult (`.fixes`): the JSON's
                                    # `fixes` and `fixes_combined` keys
    fixes_json(result, config)      # journey id -> [each entry of the JSON's `fixes`]: what the
                                    # HTML report's "What to fix first" renders

`to_be(journey_result, text, selection, config, rules)` (tobe.py) writes the
to-be file of chosen fixes. Stage layout: `ops.py` the edits (in memory, exact
to what the file reads), `catalogue.py`, `silence.py` and `promise.py` the
plans per rule, `whatif.py` the engine (apply, analyse again, audit again,
compare), `run.py` the ranking and the combination, `writer.py` the edits of
the file's text. The fixes stage comes after `audit` and before `reports`.
"""

from journeyaudit.fixes.model import Combined, Fix, JourneyFixes, Plan, effect_text
from journeyaudit.fixes.run import attach_fixes, fixes_for_result, fixes_json, measure_journey

__all__ = [
    "Combined",
    "Fix",
    "JourneyFixes",
    "Plan",
    "attach_fixes",
    "effect_text",
    "fixes_for_result",
    "fixes_json",
    "measure_journey",
]
