"""PHP version profiles: everything that differs between PHP releases, as frozen data.

Layering rule: pure data. Imports nothing from phpstreams. Lower layers receive the
profile as an argument; the PHP-facing layer reads the active one from its runtime
(``_php_state``).

Rule 1 (after h11's ``_state.py``): everything PHP says or decides differently from
one release to the next lives in a profile -- message texts, constants, ini defaults,
the argument-error model, the transport list, TLS defaults and name-matching rules,
meta-data fields, parsing and I/O rules. Code asks the profile; it never compares
version numbers. ``tests/test_profiles.py`` fails when a PHP message literal appears
outside profile data, or a profile key is never read.

A profile answers three kinds of question:

* *what does PHP call it* -- constant values, the transport registry order,
  the message templates (``messages``), ini defaults;
* *which variant of a rule applies* -- switches such as
  ``fread_blocks_when_buffered`` (bug #51056, changed in 8.3) named after the
  behaviour, never after a version number;
* *which OpenSSL wording* PHP of that release prints -- ``openssl_texts`` names a
  flavour of ``_openssl_texts`` (the OpenSSL its reference build links), a second axis
  kept apart from PHP's own rules.

What the *linked* OpenSSL can do is not here: that is a ``HAS_*`` flag of the native
binding. Every field is a claim proven by ``compat_tests`` against a real PHP of that
version (``php74.py``, ``php82.py``, ``php84.py``: one module per release).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ._model import INI_USER, IniEntry, Profile
from .php74 import PHP_7_4
from .php82 import PHP_8_2
from .php84 import PHP_8_4

__all__ = [
    "INI_USER",
    "PHP_7_4",
    "PHP_8_2",
    "PHP_8_4",
    "PROFILES",
    "IniEntry",
    "Profile",
    "get_profile",
]

PROFILES: Mapping[str, Profile] = MappingProxyType(
    {p.version: p for p in (PHP_7_4, PHP_8_2, PHP_8_4)}
)


def get_profile(version: str) -> Profile:
    """Return the profile for ``"major.minor"``; ``ValueError`` if we have none."""
    try:
        return PROFILES[version]
    except KeyError:
        known = ", ".join(PROFILES)
        raise ValueError(f"no PHP profile {version!r} (known: {known})") from None
