"""PHP-facing certificate helpers from ext/openssl, enough to inspect captured peer
certificates as PHP code does: ``openssl_x509_read``, ``openssl_x509_fingerprint``,
``openssl_x509_export`` (and ``openssl_x509_parse`` in ``_x509_parse``).

Layering rule: PHP-facing layer; the certificate work is ``_x509``'s.
"""

from __future__ import annotations

from typing import Any

from ._errors import E_WARNING, Note
from ._openssl_texts import x509_print_text
from ._php_args import Ref, arg_bool, arg_ref, arg_string, php_function, type_error
from ._php_errors import emit, emit_notes
from ._php_state import runtime
from ._phpvalues import as_text
from ._x509 import OpenSSLCertificate, certificate_class, fingerprint_hex, registered

__all__ = [
    "OpenSSLCertificate",
    "openssl_x509_export",
    "openssl_x509_fingerprint",
    "openssl_x509_parse",
    "openssl_x509_read",
]


def _certificate(func: str, argnum: int, value: Any) -> OpenSSLCertificate | None:
    """``php_openssl_x509_from_param``: an object, a PEM string or ``file://path``."""
    if isinstance(value, OpenSSLCertificate):
        return value
    if not isinstance(value, str | bytes):
        raise type_error(func, argnum, "certificate", "OpenSSLCertificate|string", value)
    text = as_text(value) if isinstance(value, bytes) else value
    if text.startswith("file://"):
        try:
            with open(text[7:], "rb") as f:
                data = f.read()
        except OSError:
            return None
    else:
        data = text.encode("utf-8", "surrogateescape")
    cls = certificate_class(runtime().profile)
    return cls.from_pem(data) or cls.from_der(data)


@php_function
def openssl_x509_read(certificate: Any) -> OpenSSLCertificate | bool:
    """PHP: ``openssl_x509_read(OpenSSLCertificate|string $certificate): OpenSSLCertificate|false``

    Parses a PEM string (or ``"file://path"``) into a certificate object, or False with
    PHP's warning.
    """
    func = "openssl_x509_read"
    cert = _certificate(func, 1, certificate)
    if cert is None:
        emit(E_WARNING, runtime().profile.msg("x509_read_failed"), func)
        return False
    # PHP 7 hands a given resource back as it is; a parsed one is a new resource.
    return cert if cert is certificate else registered(cert, runtime().resources)


@php_function
def openssl_x509_fingerprint(
    certificate: Any, digest_algo: str = "sha1", binary: bool = False
) -> str | bytes | bool:
    """PHP: ``openssl_x509_fingerprint(OpenSSLCertificate|string $certificate,
    string $digest_algo = "sha1", bool $binary = false): string|false``

    The certificate's digest as lower-case hex (``str``), or raw ``bytes`` with
    ``binary``; False for an unknown algorithm (with PHP's warning).
    """
    func = "openssl_x509_fingerprint"
    cert = _certificate(func, 1, certificate)
    algo = arg_string(func, 2, "digest_algo", digest_algo)
    raw = arg_bool(func, 3, "binary", binary)
    if cert is None:
        emit(E_WARNING, runtime().profile.msg("x509_param_failed"), func)
        return False
    assert algo is not None
    notes: list[Note] = []
    digest = fingerprint_hex(runtime().profile, cert, algo, notes)
    emit_notes(notes, func)
    if digest is None:
        return False
    return bytes.fromhex(digest) if raw else digest


@php_function
def openssl_x509_export(certificate: Any, output: Ref | None, no_text: bool = True) -> bool:
    """PHP: ``openssl_x509_export(OpenSSLCertificate|string $certificate, string &$output,
    bool $no_text = true): bool``

    Writes the PEM (after OpenSSL's text dump unless ``no_text``) into ``output`` (a
    :class:`Ref`); True, or False with PHP's warning.
    """
    func = "openssl_x509_export"
    cert = _certificate(func, 1, certificate)
    out = arg_ref(func, 2, "output", output)
    plain = arg_bool(func, 3, "no_text", no_text)
    if cert is None:
        emit(E_WARNING, runtime().profile.msg("x509_param_failed"), func)
        return False
    if out is not None:
        flavour = runtime().profile.openssl_texts
        dump = (
            b""
            if plain
            else x509_print_text(flavour, cert.text().decode("latin-1")).encode("latin-1")
        )
        out.value = (dump + cert.pem()).decode("utf-8", "surrogateescape")
    return True


@php_function
def openssl_x509_parse(certificate: Any, short_names: bool = True) -> dict[str, Any] | bool:
    """PHP: ``openssl_x509_parse(OpenSSLCertificate|string $certificate,
    bool $short_names = true): array|false``

    The certificate's fields as a dict with PHP 8.2's keys, order and values, or False.
    """
    from ._x509 import parse

    func = "openssl_x509_parse"
    cert = _certificate(func, 1, certificate)
    short = arg_bool(func, 2, "short_names", short_names)
    if cert is None:
        return False
    return parse(cert, bool(short), runtime().profile.openssl_texts)
