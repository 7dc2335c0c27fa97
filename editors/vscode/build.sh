#!/usr/bin/env bash
# Build the VS Code extension into editors/vscode/journeyaudit.vsix (not committed):
# installs its two npm packages (the language client, and vsce to package) and packages.
# Needs Node.js 20 or newer and npm. Install the result with
#   code --install-extension editors/vscode/journeyaudit.vsix
set -euo pipefail
cd "$(dirname "$0")"
cp ../../LICENSE LICENSE
npm install --no-audit --no-fund --no-package-lock --loglevel=error
npx --no-install vsce package --allow-missing-repository -o journeyaudit.vsix
echo "built $(pwd)/journeyaudit.vsix"
