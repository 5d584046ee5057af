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

The pytest hooks and fixtures live in :mod:`.plugin`. ``-p phpstreams.testing`` loads
this package, whose ``pytest_plugins`` names the plugin module, so pytest registers it;
``import phpstreams.testing.peers`` imports neither pytest nor ``cryptography``. (The
hooks are not exposed as lazy attributes here: pluggy finds hook implementations with
``inspect.getattr_static``, which a module ``__getattr__`` cannot serve.)
"""

from __future__ import annotations

__all__: list[str] = []

#: Read by pytest when this package is loaded as a plugin (``-p phpstreams.testing``).
pytest_plugins = ["phpstreams.testing.plugin"]
