"""Behaviour-diff testing against real PHP: loopback peers, certificates, ``*.case``
files and a pytest plugin (``pytest -p phpstreams.testing``).

The parts, each usable without pytest:

* :mod:`.peers` -- loopback peers in threads (echo, control protocol, SMTP, reset,
  silent, slow body, UDP, unix sockets), ports bound to 0;
* :mod:`.tls_peers` -- TLS servers (versions, ALPN, SNI, client certificates), SMTP
  STARTTLS, misbehaving TLS peers, the compat suite's standard set;
* :mod:`.certs` -- run-time certificates (needs ``cryptography``:
  ``pip install phpstreams[testing]``);
* :mod:`.hermetic` -- hermetic name lookups for the runners (hosts from files only);
* :mod:`.cases` -- the ``.case`` format, both runners, the record comparison and the
  divergence registry.

The pytest hooks and fixtures live in :mod:`.plugin`; this package exposes them lazily
so ``-p phpstreams.testing`` registers them while ``import phpstreams.testing.peers``
imports neither pytest nor ``cryptography``.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

__all__: list[str] = []

_SUBMODULES = {
    "cases",
    "certs",
    "hermetic",
    "peers",
    "plugin",
    "prelude",
    "tls_peers",
    "_hookspecs",
}


def _plugin() -> ModuleType:
    # import_module, not "from . import plugin": the latter asks this module's
    # __getattr__ for "plugin" first.
    return importlib.import_module(f"{__name__}.plugin")


def __getattr__(name: str) -> Any:
    # Only the plugin's hooks and fixtures, asked for by pytest through dir()/getattr().
    if name.startswith("__") or name in _SUBMODULES:
        raise AttributeError(name)
    plugin = _plugin()
    if name in plugin.__all__:
        return getattr(plugin, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    names = set(globals())
    try:
        names.update(_plugin().__all__)
    except ImportError:  # pytest is not installed: no plugin to expose
        pass
    return sorted(names)
