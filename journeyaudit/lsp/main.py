"""The server as `journeyaudit lsp` starts it: the protocol (server.py) with its features (features.py).

Kept apart so that the features, which use the server's types, and the server
never import each other.
"""

from __future__ import annotations

from journeyaudit.lsp import features
from journeyaudit.lsp.server import JourneyServer


def build_server() -> JourneyServer:
    server = JourneyServer()
    features.register(server)
    return server


def start_io() -> None:
    build_server().start_io()
