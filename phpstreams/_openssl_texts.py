"""How OpenSSL error-queue lines read in the OpenSSL each PHP release links: pure data.

phpstreams always links the machine's OpenSSL (3.0); PHP prints every queued error with
``ERR_error_string_n`` of *its* OpenSSL. A flavour (``Profile.openssl_texts``) names
that wording:

* ``"3.0"`` (PHP 8.2): ``error:0A000086:SSL routines::certificate verify failed`` --
  3.0 packs ``lib << 23 | reason`` (system errors: bit 31 | errno) and prints no
  function name;
* ``"3.5"`` (PHP 8.4): the 3.0 format; some reason texts were reworded
  (``ssl/tls alert ...``);
* ``"1.1.1"`` (PHP 7.4): ``error:1416F086:SSL routines:tls_process_server_certificate:
  certificate verify failed`` -- 1.1.1 packs ``lib << 24 | func << 12 | reason`` and
  prints the function's name.

The engine hands each queued error over as a :class:`QueuedError` (code parts, the
function name OpenSSL 3 recorded, the linked library's lib and reason texts);
:func:`render` builds the flavour's line from the tables below. Where 1.1.1 raised a
different error for the same failure, ``_REWRITES_111`` says which. 1.1.1's function
codes and names are generated data (``_openssl_funcs_111``, read from 1.1.1w by
``python -m compat_tests.openssl_facts``). Layering rule: pure data, imports nothing
from phpstreams but that table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from ._openssl_funcs_111 import FUNCTIONS_111

__all__ = [
    "FLAVOURS",
    "QueuedError",
    "render",
    "render_queue",
    "system_error",
    "x509_print_text",
    "x509v3_ext_text",
    "ipv6_general_name_end",
]

FLAVOURS = ("1.1.1", "3.0", "3.5")

_LIB_SSL = 20
_LIB_SYS = 2


class QueuedError(NamedTuple):
    """One entry of the OpenSSL error queue, as the linked OpenSSL reports it."""

    lib: int
    #: ERR_GET_REASON; for a system error, the errno.
    reason: int
    #: ERR_SYSTEM_ERROR: an errno pushed by a system call wrapper.
    system: bool
    #: The function OpenSSL 3 recorded (``ERR_get_error_all``), "" when none.
    func: str
    #: ``ERR_lib_error_string`` / ``ERR_reason_error_string`` (None: no text).
    lib_text: str | None
    reason_text: str | None


def system_error(errno: int, strerror: str) -> QueuedError:
    """The queue entry OpenSSL 3 pushes for a failed system call (``ERR_raise(ERR_LIB_SYS,
    errno)``): "system library", the errno's text, no function."""
    return QueuedError(_LIB_SYS, errno, True, "", "system library", strerror)


# -- 1.1.1 ------------------------------------------------------------------------------


def _functions_111() -> Mapping[tuple[int, str], tuple[int, str]]:
    """(lib, lower-case function name) -> (1.1.1's function code, its spelling), from
    the table read out of 1.1.1w (``_openssl_funcs_111``, generated)."""
    table: dict[tuple[int, str], tuple[int, str]] = {}
    for lib, lines in FUNCTIONS_111.items():
        for line in lines.strip().splitlines():
            code, name = line.split(" ", 1)
            table[(lib, name.lower())] = (int(code), name)
    return MappingProxyType(table)


_FUNCS_111 = _functions_111()

#: Functions OpenSSL 3 renamed or split: the 3.0 name -> the 1.1.1 name.
_FUNC_RENAMES_111: Mapping[str, str] = MappingProxyType(
    {
        # 3.0 verifies the server chain in a post-processing step of its own.
        "tls_post_process_server_certificate": "tls_process_server_certificate",
    }
)

#: Failures 1.1.1 reported with another error: (3.0 func, reason) -> (1.1.1 func,
#: reason). The TLS 1.0 signature check (MD5-SHA1 below the security level) fails in
#: 1.1.1's key-exchange parser as an internal error; 3.0 calls it a legacy sigalg.
_REWRITES_111: Mapping[tuple[str, int], tuple[str, int]] = MappingProxyType(
    {
        ("tls_process_key_exchange", 333): ("tls_process_key_exchange", 68),
    }
)

#: The same, for a client's errors only. 1.1.1 checks a client's protocol versions
#: while building the ClientHello (a server's in tls_setup_handshake); 3.0 checks both
#: in tls_setup_handshake. 191: no protocols available.
_CLIENT_REWRITES_111: Mapping[tuple[str, int], tuple[str, int]] = MappingProxyType(
    {
        ("tls_setup_handshake", 191): ("tls_construct_client_hello", 191),
    }
)

#: 1.1.1's reason texts where 3.0 words them differently (by reason code).
_REASON_TEXTS_111: Mapping[int, str] = MappingProxyType({68: "internal error"})

# -- 3.5 --------------------------------------------------------------------------------

#: 3.5's reason texts where 3.0 words them differently: the alerts lost "sslv3".
_REASON_TEXTS_35: Mapping[int, str] = MappingProxyType(
    {
        1040: "ssl/tls alert handshake failure",
    }
)


#: 3.5's record layer reports a fatal record error once more from libssl: the reason
#: (a record the peer could not have sent) is followed by "record layer failure".
_FOLLOWED_BY_35: Mapping[int, tuple[int, str]] = MappingProxyType(
    {
        281: (313, "record layer failure"),  # decryption failed or bad record mac
    }
)


def _fallback_lib(e: QueuedError) -> str:
    return e.lib_text if e.lib_text is not None else f"lib({e.lib})"


def _render_111(e: QueuedError, client: bool) -> str:
    func, reason = e.func, e.reason
    func = _FUNC_RENAMES_111.get(func, func)
    reason_text = e.reason_text
    rewrite = _REWRITES_111.get((func, reason))
    if rewrite is None and client:
        rewrite = _CLIENT_REWRITES_111.get((func, reason))
    if rewrite is not None:
        func, reason = rewrite
    if reason in _REASON_TEXTS_111 and e.lib == _LIB_SSL:
        reason_text = _REASON_TEXTS_111[reason]
    elif rewrite is not None and rewrite[1] != e.reason:
        reason_text = None
    # 1.1.1 prints the function under its own code and spelling; one it does not
    # know (an OpenSSL 3 function) keeps OpenSSL 3's name and code 0.
    func_code, func_text = _FUNCS_111.get((e.lib, func.lower()), (0, func))
    code = (e.lib & 0xFF) << 24 | (func_code & 0xFFF) << 12 | (reason & 0xFFF)
    func_text = func_text or f"func({func_code})"
    reason_text = reason_text if reason_text is not None else f"reason({reason})"
    return f"error:{code:08X}:{_fallback_lib(e)}:{func_text}:{reason_text}"


def _render_3(e: QueuedError, reason_texts: Mapping[int, str]) -> str:
    if e.system:
        code = 0x80000000 | (e.reason & 0x7FFFFFFF)
    else:
        code = (e.lib & 0xFF) << 23 | (e.reason & 0x7FFFFF)
    reason_text = e.reason_text
    if e.lib == _LIB_SSL and not e.system and e.reason in reason_texts:
        reason_text = reason_texts[e.reason]
    if reason_text is None:
        reason_text = f"reason({e.reason})"
    return f"error:{code:08X}:{_fallback_lib(e)}::{reason_text}"


_NO_TEXTS: Mapping[int, str] = MappingProxyType({})


def render(flavour: str, e: QueuedError, client: bool = False) -> str:
    """One queued error as ``ERR_error_string_n`` of the flavour's OpenSSL prints it
    (``client``: raised by a client connection)."""
    if flavour == "1.1.1":
        return _render_111(e, client)
    if flavour == "3.5":
        return _render_3(e, _REASON_TEXTS_35)
    if flavour == "3.0":
        return _render_3(e, _NO_TEXTS)
    raise ValueError(f"unknown OpenSSL texts flavour {flavour!r}")


def render_queue(flavour: str, queue: list[QueuedError], client: bool = False) -> list[str]:
    """The lines PHP prints for a drained queue, oldest first (``client``: raised by a
    client connection)."""
    lines: list[str] = []
    for e in queue:
        lines.append(render(flavour, e, client))
        follow = _FOLLOWED_BY_35.get(e.reason) if flavour == "3.5" else None
        if follow is not None and e.lib == _LIB_SSL and not e.system:
            extra = QueuedError(_LIB_SSL, follow[0], False, "", e.lib_text, follow[1])
            lines.append(render(flavour, extra))
    return lines


# -- X509_print -------------------------------------------------------------------------

_AKID_30 = re.compile(r"(X509v3 Authority Key Identifier: ?\n +)([0-9A-F:]+)\n")
_SIGNATURE_30 = re.compile(r"\n    Signature Value:\n((?:        [0-9a-f:]+\n)+)")


def x509_print_text(flavour: str, text: str) -> str:
    """``X509_print`` output of the linked OpenSSL 3 as the flavour's prints it. 1.1.1
    prefixes the authority key id with ``keyid:`` (and ends it with an empty line) and
    prints the signature bytes with a 9-space indent and no "Signature Value:" line."""
    if flavour != "1.1.1":
        return text
    text = _AKID_30.sub(lambda m: f"{m.group(1)}keyid:{m.group(2)}\n\n", text)
    return _SIGNATURE_30.sub(
        lambda m: "\n" + "".join(f" {line}\n" for line in m.group(1).splitlines()), text
    )


def x509v3_ext_text(flavour: str, name: str, text: str) -> str:
    """One extension as ``X509V3_EXT_print`` of the flavour prints it (the values of
    ``openssl_x509_parse()['extensions']``): 1.1.1 prints the authority key id as
    ``keyid:<hex>`` and a newline."""
    if flavour == "1.1.1" and name == "authorityKeyIdentifier" and text and ":" in text:
        if not text.startswith("keyid:"):
            return f"keyid:{text}\n"
    return text


def ipv6_general_name_end(flavour: str) -> str:
    """What ``GENERAL_NAME_print`` writes after an IPv6 "IP Address:..." entry: 1.1.1
    ends it with a newline (3.0 dropped it)."""
    return "\n" if flavour == "1.1.1" else ""
