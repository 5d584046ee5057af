"""Runtime facade of the cffi binding to the system OpenSSL (libssl + libcrypto).

Its one job: load the compiled ``phpstreams._native._openssl``, check that it was built for this
phpstreams version, and export it with the names this OpenSSL lacks removed.  Layering rule:
only the TLS engine and this package touch ``lib``; everything else goes through the engine.

Exports
-------
``ffi``, ``lib``
    The cffi FFI object and the library.  ``lib`` omits the names whose feature flag is 0
    (see ``_conditional.py``), so a missing feature is an AttributeError.  C names are kept;
    function-like macros of OpenSSL 3.0 are real C functions named ``phpstreams_<C name>``
    (e.g. ``lib.phpstreams_SSL_CTX_set_min_proto_version``).
``HAS``
    A frozen :class:`Features` of the ``PHPSTREAMS_HAS_*`` flags, e.g. ``HAS.tls1_3``.
``compiled_openssl_version``, ``compiled_openssl_version_number``
    OPENSSL_VERSION_TEXT / OPENSSL_VERSION_NUMBER of the headers the binding was built with.
``linked_openssl_version``, ``linked_openssl_version_number``
    OpenSSL_version(OPENSSL_VERSION) / OpenSSL_version_num() of the libcrypto loaded now.
``EX_DATA_INDEX``
    The SSL ex_data slot for the engine's per-connection object:
    ``lib.SSL_set_ex_data(ssl, EX_DATA_INDEX, handle)`` with ``handle = ffi.new_handle(obj)``
    (keep ``handle`` alive as long as the SSL), back with
    ``ffi.from_handle(lib.SSL_get_ex_data(ssl, EX_DATA_INDEX))``.  From a verify callback:
    ``ssl = lib.X509_STORE_CTX_get_ex_data(store_ctx, lib.SSL_get_ex_data_X509_STORE_CTX_idx())``
    (a ``void *``; ``ffi.cast("SSL *", ssl)`` it).

Callbacks
---------
Declared ``extern "Python"`` in the cdef; their Python bodies are NOT defined here.  The TLS
engine attaches them with ``@ffi.def_extern(error=...)`` (``error`` is what C receives if the
body raises; choose the fail-closed value given below) and passes ``lib.<name>`` to the setter.

``int phpstreams_verify_cb(int preverify_ok, X509_STORE_CTX *store_ctx)``
    For ``SSL_CTX_set_verify`` / ``SSL_set_verify``.  Called once per certificate in the chain
    (depth from ``X509_STORE_CTX_get_error_depth``).  Return 1 to carry on with the handshake,
    0 to abort it with a verification failure.  It may override the outcome: call
    ``X509_STORE_CTX_set_error(store_ctx, X509_V_OK)`` and return 1 to accept (PHP's
    allow_self_signed), or set an X509_V_ERR_* code and return 0.  ``error=0``.
``int phpstreams_passwd_cb(char *buf, int size, int rwflag, void *userdata)``
    For ``SSL_CTX_set_default_passwd_cb``; ``userdata`` is what was given to
    ``SSL_CTX_set_default_passwd_cb_userdata`` (a handle).  Copy at most ``size`` bytes of the
    passphrase into ``buf`` (no terminating NUL needed) and return how many were copied;
    return 0 when there is no passphrase.  ``error=0``.
``int phpstreams_alpn_select_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
const unsigned char *in, unsigned int inlen, void *arg)``
    For ``SSL_CTX_set_alpn_select_cb``; ``in`` is the client's wire-format protocol list.
    Set ``out[0]`` / ``outlen[0]`` to the chosen protocol, pointing into ``in`` or into memory
    the engine keeps alive past the handshake (``SSL_select_next_proto`` does this; it returns
    ``OPENSSL_NPN_NEGOTIATED`` on a match), and return ``SSL_TLSEXT_ERR_OK``.  Return
    ``SSL_TLSEXT_ERR_NOACK`` to continue without ALPN (PHP does on no overlap), or
    ``SSL_TLSEXT_ERR_ALERT_FATAL`` to abort.  ``error=SSL_TLSEXT_ERR_ALERT_FATAL`` (2).
``int phpstreams_servername_cb(SSL *ssl, int *alert, void *arg)``
    For ``phpstreams_SSL_CTX_set_tlsext_servername_callback``; ``arg`` is what was given to
    ``phpstreams_SSL_CTX_set_tlsext_servername_arg``.  Read the name with
    ``SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)`` (may be NULL), switch certificates
    with ``SSL_set_SSL_CTX``, and return ``SSL_TLSEXT_ERR_OK`` (PHP always does).
    ``SSL_TLSEXT_ERR_NOACK`` ignores the name; ``SSL_TLSEXT_ERR_ALERT_FATAL`` aborts with the
    TLS alert stored in ``alert[0]``.  ``error=SSL_TLSEXT_ERR_ALERT_FATAL`` (2).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from phpstreams._native._conditional import CONDITIONAL_NAMES, build_conditional_library
from phpstreams._version import __version__

try:
    from phpstreams._native._openssl import ffi as _ffi
    from phpstreams._native._openssl import lib as _raw_lib
except ImportError as exc:
    raise ImportError(
        f"phpstreams' OpenSSL binding (phpstreams._native._openssl) is not built or cannot "
        f"be loaded ({exc}); rebuild it with `pip install .` (in a checkout: "
        f"`python setup.py build_ext --inplace`)"
    ) from exc

__all__ = [
    "ffi",
    "lib",
    "HAS",
    "Features",
    "compiled_openssl_version",
    "compiled_openssl_version_number",
    "linked_openssl_version",
    "linked_openssl_version_number",
    "EX_DATA_INDEX",
]

ffi: Any = _ffi


def _build_version() -> str:
    try:
        stamp = _raw_lib.PHPSTREAMS_BUILD_VERSION
    except AttributeError:
        return "an unknown version"
    return str(_ffi.string(stamp).decode("ascii"))


_built_for = _build_version()
if _built_for != __version__:
    raise ImportError(
        f"phpstreams._native._openssl was built for phpstreams {_built_for}, but this is "
        f"phpstreams {__version__}; rebuild the binding with `pip install .` (in a checkout: "
        f"`python setup.py build_ext --inplace`)"
    )

# Whatever was loaded into this process before us (the stdlib ssl module, cryptography, ...)
# may have left entries on this thread's OpenSSL error queue.  The engine reads the queue after
# a failed call to build PHP's warning text, so a stale entry would be reported as ours.  (The
# queue is per thread: the engine still clears it before each operation, as PHP does.)
_raw_lib.ERR_clear_error()

lib: Any = build_conditional_library(_raw_lib, CONDITIONAL_NAMES)

_FLAG_PREFIX = "PHPSTREAMS_HAS_"


@dataclasses.dataclass(frozen=True, slots=True)
class Features:
    """The PHPSTREAMS_HAS_* feature flags of the compiled binding, as booleans."""

    ssl3_method: bool
    tls1_method: bool
    tls1_1_method: bool
    tls1_3: bool
    security_level: bool
    ssl_op_ignore_unexpected_eof: bool
    ssl_r_unexpected_eof_while_reading: bool
    ssl_get1_peer_certificate: bool
    ssl_ctx_set0_tmp_dh_pkey: bool

    @classmethod
    def from_lib(cls, library: Any) -> Features:
        """Read every flag from ``library`` (a missing flag is an AttributeError)."""
        return cls(
            **{
                field.name: bool(getattr(library, _FLAG_PREFIX + field.name.upper()))
                for field in dataclasses.fields(cls)
            }
        )


HAS: Features = Features.from_lib(_raw_lib)

compiled_openssl_version: str = _ffi.string(_raw_lib.OPENSSL_VERSION_TEXT).decode("ascii")
compiled_openssl_version_number: int = int(_raw_lib.OPENSSL_VERSION_NUMBER)
_linked_text = _raw_lib.OpenSSL_version(_raw_lib.OPENSSL_VERSION)
linked_openssl_version: str = _ffi.string(_linked_text).decode("ascii")
linked_openssl_version_number: int = int(_raw_lib.OpenSSL_version_num())


def _new_ex_index() -> int:
    index = int(_raw_lib.phpstreams_SSL_get_ex_new_index(0, _ffi.NULL))
    if index < 0:
        raise ImportError("OpenSSL could not allocate an SSL ex_data index for phpstreams")
    return index


# Allocated once per process; OpenSSL never frees ex_data indexes.
EX_DATA_INDEX: int = _new_ex_index()
