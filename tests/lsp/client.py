"""A plain LSP client over stdio: JSON-RPC with Content-Length framing, as any editor speaks it.

Written from the protocol, not with pygls' client, so the tests see exactly
the bytes an editor would. `LspClient.start()` runs `python -m journeyaudit
lsp` in a subprocess; a reader thread parses its messages into responses (by
id) and notifications (a queue that `wait_for` searches).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent.parent


def uri_of(path: Path) -> str:
    return path.resolve().as_uri()


class LspError(Exception):
    def __init__(self, error: dict):
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.code = error.get("code")
        self.message = error.get("message")


class LspClient:
    def __init__(self, process: subprocess.Popen):
        self.process = process
        self.next_id = 0
        self.responses: dict[int, dict] = {}
        self.notifications: list[dict] = []
        self.server_requests: list[dict] = []
        self.condition = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.stderr_lines: list[str] = []
        threading.Thread(target=self._read_stderr, daemon=True).start()

    @classmethod
    def start(cls, cwd: Path | None = None, env: dict | None = None) -> LspClient:
        environment = dict(os.environ, PYTHONPATH=str(PROJECT), **(env or {}))
        process = subprocess.Popen(
            [sys.executable, "-m", "journeyaudit", "lsp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd or PROJECT,
            env=environment,
        )
        return cls(process)

    # -- wire -------------------------------------------------------------
    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
        self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    with self.condition:
                        self.condition.notify_all()
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            message = json.loads(body.decode("utf-8"))
            with self.condition:
                if "id" in message and "method" not in message:
                    self.responses[message["id"]] = message
                elif "id" in message:
                    self.server_requests.append(message)
                    self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
                else:
                    self.notifications.append(message)
                self.condition.notify_all()

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr_lines.append(line.decode("utf-8", "replace"))

    # -- requests and notifications --------------------------------------
    def request(self, method: str, params: Any = None, timeout: float = 20) -> Any:
        self.next_id += 1
        message_id = self.next_id
        self._send({"jsonrpc": "2.0", "id": message_id, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        with self.condition:
            while message_id not in self.responses:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self.reader.is_alive():
                    raise TimeoutError(f"no answer to {method} (stderr: {''.join(self.stderr_lines)[-2000:]})")
                self.condition.wait(remaining)
            response = self.responses.pop(message_id)
        if "error" in response:
            raise LspError(response["error"])
        return response.get("result")

    def notify(self, method: str, params: Any = None) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_for(self, method: str, predicate=lambda params: True, timeout: float = 20) -> dict:
        """The first notification of `method` (not yet taken) whose params satisfy `predicate`; taken."""
        deadline = time.monotonic() + timeout
        with self.condition:
            while True:
                for index, message in enumerate(self.notifications):
                    if message.get("method") == method and predicate(message.get("params")):
                        del self.notifications[index]
                        return message["params"]
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self.reader.is_alive():
                    raise TimeoutError(f"no {method} notification (stderr: {''.join(self.stderr_lines)[-2000:]})")
                self.condition.wait(remaining)

    def diagnostics(self, uri: str, version: int | None = None, timeout: float = 20) -> list[dict]:
        """The diagnostics the server publishes next for `uri` (for `version`, when given)."""
        params = self.wait_for(
            "textDocument/publishDiagnostics",
            lambda p: p["uri"] == uri and (version is None or p.get("version") == version),
            timeout,
        )
        return params["diagnostics"]

    # -- the editor's usual moves ---------------------------------------
    def initialize(self, root: Path, capabilities: dict | None = None, options: dict | None = None) -> dict:
        result = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": uri_of(root),
                "workspaceFolders": [{"uri": uri_of(root), "name": root.name}],
                "capabilities": capabilities or {},
                "initializationOptions": options or {},
            },
        )
        self.notify("initialized", {})
        return result

    def open(self, path: Path, text: str | None = None, version: int = 1) -> str:
        uri = uri_of(path)
        content = path.read_text(encoding="utf-8") if text is None else text
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": version, "text": content}},
        )
        return uri

    def change(self, uri: str, version: int, text: str) -> None:
        self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
        )

    def change_range(self, uri: str, version: int, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
        change = {
            "range": {"start": {"line": start[0], "character": start[1]}, "end": {"line": end[0], "character": end[1]}},
            "text": text,
        }
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})

    def at(self, method: str, uri: str, line: int, character: int, **extra: Any) -> Any:
        params = {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}, **extra}
        return self.request(method, params)

    def stop(self) -> int:
        """shutdown, then exit; the server's exit code."""
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            return self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
