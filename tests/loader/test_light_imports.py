"""Loading journeys needs none of the analysis stack: `validate` must not pay for it."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import PROJECT

HEAVY = ("numpy", "scipy", "jinja2", "rich", "networkx")
LATER_STAGES = ("journeyaudit.analysis", "journeyaudit.rules", "journeyaudit.audit", "journeyaudit.reports")


def test_the_loading_stage_imports_no_heavy_library_and_no_later_stage():
    code = (
        "import json, sys\n"
        "import journeyaudit.loading, journeyaudit.loading.config, journeyaudit.loading.gitrefs\n"
        "result = journeyaudit.loading.load_file('journeys/gym-join.yaml')\n"
        "assert result.ok, result.problems\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=True)
    imported = json.loads(completed.stdout)
    heavy = [name for name in imported if name.split(".")[0] in HEAVY]
    later = [name for name in imported if name.startswith(LATER_STAGES)]
    assert heavy == []
    assert later == []
