"""cdef sources for the OpenSSL binding, one module per OpenSSL header (build time only).

Each module defines four strings: ``INCLUDES`` (C ``#include`` lines), ``TYPES`` and
``FUNCTIONS`` (cffi cdef text: types and constants, then functions) and ``CUSTOMIZATIONS``
(C code: feature flags, stubs for missing symbols and ``phpstreams_*`` wrappers for macros).
``phpstreams/_native/_build.py`` loads them by file path and joins them in ``MODULES`` order.

Layering rule: only ``_build.py`` reads this package; it is never installed or imported at run
time, and only the TLS engine and ``phpstreams._native`` touch the compiled ``lib``.

Naming rule: a symbol that is a real function in OpenSSL 3.0 keeps its C name; a function-like
macro (or static inline) in 3.0 is wrapped as ``phpstreams_<C name>``.
"""

# Order matters twice: cffi needs a type declared before a later module uses it, and the
# prelude's CUSTOMIZATIONS (the feature flags) must come before any stub that #defines a
# missing macro, or the flag would see the stub.
MODULES: tuple[str, ...] = (
    "prelude",
    "crypto",
    "err",
    "bio",
    "bn",
    "asn1",
    "objects",
    "evp",
    "x509",
    "x509_vfy",
    "x509v3",
    "pem",
    "ssl",
    "tls1",
    "callbacks",
    "fastio",
    "truststore",
)
