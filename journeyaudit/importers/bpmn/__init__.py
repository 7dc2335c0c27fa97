"""Turn a BPMN 2.0 model into journey dicts (format v1), ready for the journey writer.

The conversion is a draft for a consultant to enrich, so every guess is kept
next to the value it produced (see `ImportedJourney.comments`). The heuristics
are described for users in docs/import-bpmn.md; in short:

- departments: innermost named lane, else the pool, else the task performer
  (`potentialOwner`/`performer` resources, `camunda:candidateGroups`);
- steps: activities; a sub-process is one step unless flattened;
- intermediate catch events (timer, message, ...) fold into a `wait` on the
  next step when that step is reached only through them, otherwise they stay
  as a waiting step of their own;
- gateways fold into `next` branches, equal chances unless a flow name gives a
  percentage;
- pools that exchange messages are one organisation: the case follows the
  message flows, so a model with one pool per department gives the same
  hand-offs as one pool with a lane per department;
- a black-box pool named like a customer makes its message flows contacts.

The modules, in the order of the pipeline: `reading` (safe XML parsing,
encodings, namespace prefixes), `model` (processes, lanes, pools, flows,
message flows, participants), `guesses` (what the words of the model reveal),
`case_flow` (the flow graph of one journey, walked one way at a time) and
`builder` (the journey itself, and `import_bpmn`). The journey is written
by `importers/journey_writer.py` with `YAML_LAYOUT`.
"""

from journeyaudit.importers.bpmn.builder import YAML_LAYOUT, ImportedJourney, bpmn_id, import_bpmn
from journeyaudit.importers.bpmn.reading import BpmnImportError

__all__ = ["YAML_LAYOUT", "BpmnImportError", "ImportedJourney", "bpmn_id", "import_bpmn"]
