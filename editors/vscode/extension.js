// Starts `journeyaudit lsp` for the YAML files of the workspace; the server itself
// decides which of them are journeys (other YAML files get no diagnostics).
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration("journeyaudit");
  const [command, ...args] = settings.get("command", ["journeyaudit", "lsp"]);
  const serverOptions = { command, args };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "yaml", pattern: "**/*.{yaml,yml}" },
    ],
    initializationOptions: {
      debounce: settings.get("debounce", 50),
      rulesDocumentation: settings.get("rulesDocumentation", "") || undefined,
    },
  };
  client = new LanguageClient("journeyaudit", "journeyaudit", serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("journeyaudit")) {
        vscode.window.showInformationMessage("journeyaudit: reload the window to apply the new settings.");
      }
    }),
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
