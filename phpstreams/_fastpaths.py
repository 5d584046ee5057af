"""The one switch for phpstreams' fast paths.

Layering rule: data only; any module may read it, it imports nothing of phpstreams.

phpstreams reaches PHP's results by two routes in several places: a fast one (plain
socket I/O and the argument shapes of fread/fgets/fwrite recognised in C, the C
connect on a bare descriptor, connect plans for numeric specs, the TLS engine's C first
read pass, and the TLS caches that share configured SSL_CTXs, trust stores and CA
bundle snapshots between connections) and the reference one, which does what PHP does
step by step in Python. ``PHPSTREAMS_NO_FAST_PATHS=1`` in the environment, read once
at import, turns every fast route off, so that the whole test and compat suites can be
run over the reference route and hold the two equal (``tox -e nofast``).
"""

from __future__ import annotations

import os

__all__ = ["FAST_PATHS"]

#: False when ``PHPSTREAMS_NO_FAST_PATHS`` is set to anything but "" or "0".
FAST_PATHS: bool = os.environ.get("PHPSTREAMS_NO_FAST_PATHS", "") in ("", "0")
