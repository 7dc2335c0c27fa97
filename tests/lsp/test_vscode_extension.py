"""The VS Code extension starts `journeyaudit lsp` for YAML files, with the settings it declares."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from tests.conftest import PROJECT

EXTENSION = PROJECT / "editors" / "vscode"

# Loads extension.js with stand-ins for the editor's API and the language client,
# activates it, and prints what it handed the language client.
ACTIVATE = r"""
const Module = require("module");
const seen = {};
const settings = JSON.parse(process.argv[2]);
const vscode = {
  workspace: {
    getConfiguration: (section) => ({ get: (key, fallback) => (key in settings ? settings[key] : fallback) }),
    onDidChangeConfiguration: () => ({ dispose() {} }),
  },
  window: { showInformationMessage() {} },
};
class LanguageClient {
  constructor(id, name, serverOptions, clientOptions) { Object.assign(seen, { id, name, serverOptions, clientOptions }); }
  start() { seen.started = true; return Promise.resolve(); }
  stop() { return Promise.resolve(); }
}
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === "vscode") return vscode;
  if (request === "vscode-languageclient/node") return { LanguageClient };
  return load.apply(this, arguments);
};
const extension = require(process.argv[1]);
extension.activate({ subscriptions: [] });
console.log(JSON.stringify(seen));
"""


def _activate(settings: dict) -> dict:
    completed = subprocess.run(
        ["node", "-e", ACTIVATE, str(EXTENSION / "extension.js"), json.dumps(settings)],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, NODE_PATH=""),
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_the_manifest_declares_what_the_extension_reads():
    manifest = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    assert (EXTENSION / manifest["main"]).is_file()
    assert manifest["activationEvents"] == ["onLanguage:yaml"]
    settings = manifest["contributes"]["configuration"]["properties"]
    assert settings["journeyaudit.command"]["default"] == ["journeyaudit", "lsp"]
    assert settings["journeyaudit.debounce"]["default"] == 50
    source = (EXTENSION / "extension.js").read_text(encoding="utf-8")
    for name in settings:
        assert f'"{name.split(".", 1)[1]}"' in source  # every declared setting is read
    assert os.access(EXTENSION / "build.sh", os.X_OK)
    ignored = (EXTENSION / ".gitignore").read_text(encoding="utf-8").split()
    assert {"*.vsix", "node_modules/"} <= set(ignored)  # built, never committed


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_activation_starts_the_server_for_yaml_files_with_the_settings():
    seen = _activate({})
    assert seen["started"] is True
    assert seen["serverOptions"] == {"command": "journeyaudit", "args": ["lsp"]}
    assert seen["clientOptions"]["documentSelector"] == [{"scheme": "file", "language": "yaml", "pattern": "**/*.{yaml,yml}"}]
    assert seen["clientOptions"]["initializationOptions"] == {"debounce": 50}

    seen = _activate({"command": ["/venv/bin/python", "-m", "journeyaudit", "lsp"], "debounce": 120, "rulesDocumentation": "https://example.org/rules.md"})
    assert seen["serverOptions"] == {"command": "/venv/bin/python", "args": ["-m", "journeyaudit", "lsp"]}
    assert seen["clientOptions"]["initializationOptions"] == {"debounce": 120, "rulesDocumentation": "https://example.org/rules.md"}
