"""The hook the plugin adds: a conftest adds its own peers to the session's peer set."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from .peers import Peers

hookspec = pluggy.HookspecMarker("pytest")


@hookspec
def pytest_phpstreams_peers(peers: Peers) -> None:
    """Called once per session (per xdist worker) after the standard peers started:
    ``peers.tcp("my_peer", handler)`` makes ``PEER['my_peer']`` the port in every case."""
