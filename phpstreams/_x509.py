"""Certificates for the TLS engine: PHP's ``OpenSSLCertificate`` object, host-name
matching as PHP 8.2.36 does it, fingerprints, PEM/DER.

Layering rule: part of the TLS engine layer (with ``_tls``); one of the two modules
that touch the cffi ``lib``. Name matching follows ext/openssl/xp_ssl.c:

* SAN DNS entries: skip names with an embedded NUL, strip one trailing dot, then the
  wildcard rule; SAN IP entries: IPv4 as dotted text (case-insensitive compare), IPv6
  as the 16 address bytes (8.2.8+);
* wildcard rule (``php_openssl_matches_wildcard_name``): an exact case-insensitive
  match, or one ``*`` in the left-most label whose prefix and suffix match and which
  stands for no ``.`` -- and, since the GHSA-xr7j-rvgx-xq5p fix, prefix and suffix may
  not overlap in the subject;
* CN fallback: only when the certificate has no DNS SAN (8.2.36), with PHP's warnings.
"""

from __future__ import annotations

import socket
from typing import Any

from ._errors import E_WARNING, Note
from ._native import ffi, lib
from ._openssl_texts import ipv6_general_name_end, x509v3_ext_text
from ._profiles import Profile
from ._resources import PHPResource, ResourceIds

__all__ = [
    "OpenSSLCertificate",
    "OpenSSLX509Resource",
    "certificate_class",
    "fingerprint_hex",
    "matches_common_name",
    "matches_san_list",
    "matches_wildcard_name",
    "registered",
]


class OpenSSLCertificate:
    """PHP 8's ``OpenSSLCertificate`` object: owns one ``X509 *``."""

    __slots__ = ("__weakref__", "x509")

    php_class = "OpenSSLCertificate"

    def __init__(self, x509: Any) -> None:
        self.x509 = x509

    @classmethod
    def from_pem(cls, data: bytes) -> OpenSSLCertificate | None:
        bio = ffi.gc(lib.BIO_new_mem_buf(data, len(data)), lib.BIO_free)
        x509 = lib.PEM_read_bio_X509(bio, ffi.NULL, ffi.NULL, ffi.NULL)
        if x509 == ffi.NULL:
            lib.ERR_clear_error()
            return None
        return cls(ffi.gc(x509, lib.X509_free))

    @classmethod
    def from_der(cls, data: bytes) -> OpenSSLCertificate | None:
        bio = ffi.gc(lib.BIO_new_mem_buf(data, len(data)), lib.BIO_free)
        x509 = lib.d2i_X509_bio(bio, ffi.NULL)
        if x509 == ffi.NULL:
            lib.ERR_clear_error()
            return None
        return cls(ffi.gc(x509, lib.X509_free))

    def pem(self) -> bytes:
        bio = ffi.gc(lib.BIO_new(lib.BIO_s_mem()), lib.BIO_free)
        lib.PEM_write_bio_X509(bio, self.x509)
        return _bio_bytes(bio)

    def text(self) -> bytes:
        """``X509_print``: the dump ``openssl x509 -text`` shows."""
        bio = ffi.gc(lib.BIO_new(lib.BIO_s_mem()), lib.BIO_free)
        lib.X509_print(bio, self.x509)
        return _bio_bytes(bio)

    def der(self) -> bytes:
        out = ffi.new("unsigned char **")
        n = lib.i2d_X509(self.x509, out)
        if n <= 0:
            return b""
        try:
            return bytes(ffi.buffer(out[0], n))
        finally:
            lib.phpstreams_OPENSSL_free(out[0])

    def san_entries(self) -> list[tuple[int, bytes]]:
        """``(GEN_* type, raw bytes)`` for each DNS/IP/email/URI subjectAltName."""
        names = lib.X509_get_ext_d2i(self.x509, lib.NID_subject_alt_name, ffi.NULL, ffi.NULL)
        if names == ffi.NULL:
            return []
        names = ffi.gc(ffi.cast("GENERAL_NAMES *", names), lib.GENERAL_NAMES_free)
        out = []
        for i in range(lib.phpstreams_sk_GENERAL_NAME_num(names)):
            gen = lib.phpstreams_sk_GENERAL_NAME_value(names, i)
            s = lib.phpstreams_general_name_string(gen)
            if s == ffi.NULL:
                out.append((int(gen.type), b""))
                continue
            data = ffi.buffer(lib.ASN1_STRING_get0_data(s), lib.ASN1_STRING_length(s))[:]
            out.append((int(gen.type), data))
        return out

    def has_dns_san(self) -> bool:
        return any(t == lib.GEN_DNS for t, _ in self.san_entries())

    def common_name(self) -> bytes | None:
        """The first CN entry's raw bytes (``X509_NAME_get_text_by_NID``), or None."""
        name = lib.X509_get_subject_name(self.x509)
        idx = lib.X509_NAME_get_index_by_NID(name, lib.NID_commonName, -1)
        if idx < 0:
            return None
        data = lib.X509_NAME_ENTRY_get_data(lib.X509_NAME_get_entry(name, idx))
        raw: bytes = ffi.buffer(lib.ASN1_STRING_get0_data(data), lib.ASN1_STRING_length(data))[:]
        return raw[:1023]

    def __repr__(self) -> str:
        return "<OpenSSLCertificate>"


class OpenSSLX509Resource(OpenSSLCertificate, PHPResource):
    """PHP 7's "OpenSSL X.509" resource: the same certificate, seen as a resource.

    It has a number once PHP code can see it (:func:`registered`); before that it is a
    bare ``X509 *`` in PHP, which scripts never get hold of.
    """

    __slots__ = ("resource_id",)

    resource_type = "OpenSSL X.509"

    def __init__(self, x509: Any) -> None:
        super().__init__(x509)
        self.resource_id = 0

    def __repr__(self) -> str:
        return f"<resource({self.resource_id}) of type (OpenSSL X.509)>"


def registered(cert: OpenSSLCertificate, resources: ResourceIds) -> OpenSSLCertificate:
    """``cert`` as handed to PHP code: a PHP 7 resource takes the next number
    (``zend_register_resource``); an 8.x object has none."""
    if isinstance(cert, OpenSSLX509Resource):
        cert.resource_id = resources.allocate()
    return cert


def certificate_class(profile: Profile) -> type[OpenSSLCertificate]:
    """What PHP hands out for a certificate: an object (8.x) or a resource (7.4)."""
    return OpenSSLX509Resource if profile.x509_is_resource else OpenSSLCertificate


def _bio_bytes(bio: Any) -> bytes:
    chunks: list[bytes] = []
    buf = ffi.new("char[]", 4096)
    while True:
        n = lib.BIO_read(bio, buf, 4096)
        if n <= 0:
            return b"".join(chunks)
        chunks.append(ffi.buffer(buf, n)[:])


def matches_wildcard_name(subject: str, certname: str) -> bool:
    """``php_openssl_matches_wildcard_name`` (with the overlap fix)."""
    if subject.lower() == certname.lower():
        return True
    star = certname.find("*")
    if star < 0 or "." in certname[:star]:
        return False
    prefix = certname[:star]
    suffix = certname[star + 1 :]
    if prefix and subject[: len(prefix)].lower() != prefix.lower():
        return False
    if len(suffix) > len(subject) or len(prefix) + len(suffix) > len(subject):
        return False
    if subject[len(subject) - len(suffix) :].lower() != suffix.lower():
        return False
    return "." not in subject[len(prefix) : len(subject) - len(suffix)]


def _ipv6(text: str) -> bytes | None:
    try:
        return socket.inet_pton(socket.AF_INET6, text)
    except (OSError, ValueError):
        return None


def matches_san_list(profile: Profile, peer: OpenSSLCertificate, name: str) -> bool:
    """``php_openssl_matches_san_list``."""
    name_v6 = _ipv6(name)
    for kind, raw in peer.san_entries():
        if kind == lib.GEN_DNS:
            if b"\0" in raw:
                continue  # null-byte poisoning
            text = raw.decode("utf-8", "surrogateescape")
            if text.endswith("."):
                text = text[:-1]
            if matches_wildcard_name(name, text):
                return True
        elif kind == lib.GEN_IPADD:
            if len(raw) == 4:
                if name.lower() == ".".join(str(b) for b in raw):
                    return True
            elif (
                len(raw) == 16
                and profile.san_matches_ipv6
                and name_v6 is not None
                and name_v6 == raw
            ):
                return True
    return False


def matches_common_name(
    profile: Profile, peer: OpenSSLCertificate, name: str, notes: list[Note]
) -> bool:
    """``php_openssl_matches_common_name`` with its three warnings."""
    cn = peer.common_name()
    if cn is None:
        notes.append(Note(E_WARNING, profile.msg("tls_cn_missing")))
        return False
    text = cn.decode("utf-8", "surrogateescape")
    if b"\0" in cn:
        notes.append(Note(E_WARNING, profile.msg("tls_cn_malformed", cn=text)))
        return False
    if matches_wildcard_name(name, text):
        return True
    notes.append(Note(E_WARNING, profile.msg("tls_cn_mismatch", cn=text, name=name)))
    return False


def fingerprint_hex(
    profile: Profile, cert: OpenSSLCertificate, method: str, notes: list[Note]
) -> str | None:
    """``php_openssl_x509_fingerprint`` as lower-case hex; None (with PHP's warning) for
    an unknown digest."""
    md = lib.EVP_get_digestbyname(method.encode("utf-8", "surrogateescape"))
    if md == ffi.NULL:
        notes.append(Note(E_WARNING, profile.msg("tls_unknown_digest")))
        return None
    out = ffi.new("unsigned char[]", 64)
    size = ffi.new("unsigned int *")
    if not lib.X509_digest(cert.x509, md, out, size):
        return None
    return bytes(ffi.buffer(out, size[0])).hex()


# ---------------------------------------------------------------------------
# openssl_x509_parse


def _utf8(s: Any) -> bytes | None:
    """An ASN1_STRING as PHP adds it: UTF8String raw, anything else via ASN1_STRING_to_UTF8."""
    if lib.ASN1_STRING_type(s) == lib.V_ASN1_UTF8STRING:
        return bytes(ffi.buffer(lib.ASN1_STRING_get0_data(s), lib.ASN1_STRING_length(s)))
    out = ffi.new("unsigned char **")
    n = lib.ASN1_STRING_to_UTF8(out, s)
    if n < 0:
        lib.ERR_clear_error()
        return None
    try:
        return bytes(ffi.buffer(out[0], n))
    finally:
        lib.phpstreams_OPENSSL_free(out[0])


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def _name_entries(name: Any, short: bool) -> dict[str, Any]:
    """``add_assoc_name_entry``: repeated attributes become lists."""
    out: dict[str, Any] = {}
    for i in range(lib.X509_NAME_entry_count(name)):
        entry = lib.X509_NAME_get_entry(name, i)
        nid = lib.OBJ_obj2nid(lib.X509_NAME_ENTRY_get_object(entry))
        label = ffi.string(lib.OBJ_nid2sn(nid) if short else lib.OBJ_nid2ln(nid)).decode()
        value = _utf8(lib.X509_NAME_ENTRY_get_data(entry))
        if value is None:
            continue
        text = _text(value)
        if label in out:
            prev = out[label]
            out[label] = [*prev, text] if isinstance(prev, list) else [prev, text]
        else:
            out[label] = text
    return out


def _serial_text(cert: OpenSSLCertificate) -> tuple[str, str]:
    """``i2s_ASN1_INTEGER`` (decimal below 128 bits, else 0x-hex) and ``BN_bn2hex``."""
    bn = lib.ASN1_INTEGER_to_BN(lib.X509_get_serialNumber(cert.x509), ffi.NULL)
    hex_ptr = lib.BN_bn2hex(bn)
    lib.BN_free(bn)
    try:
        hex_text = ffi.string(hex_ptr).decode()
    finally:
        lib.phpstreams_OPENSSL_free(hex_ptr)
    negative = hex_text.startswith("-")
    value = int(hex_text.lstrip("-"), 16)
    if value.bit_length() < 128:
        return (f"-{value}" if negative else str(value)), hex_text
    return ("-0x" if negative else "0x") + hex_text.lstrip("-"), hex_text


def _time_t(asn1_time: Any) -> int:
    tm = ffi.new("struct tm *")
    if not lib.ASN1_TIME_to_tm(asn1_time, tm):
        return 0
    import calendar

    return calendar.timegm(
        (tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec)
    )


def _asn1_text(s: Any) -> str:
    return _text(bytes(ffi.buffer(lib.ASN1_STRING_get0_data(s), lib.ASN1_STRING_length(s))))


def _san_text(cert: OpenSSLCertificate, flavour: str) -> str:
    """``openssl_x509v3_subjectAltName``: ``DNS:a, IP Address:127.0.0.1, ...``."""
    parts = []
    for kind, raw in cert.san_entries():
        if kind == lib.GEN_DNS:
            parts.append("DNS:" + _text(raw))
        elif kind == lib.GEN_EMAIL:
            parts.append("email:" + _text(raw))
        elif kind == lib.GEN_URI:
            parts.append("URI:" + _text(raw))
        elif kind == lib.GEN_IPADD:
            if len(raw) == 4:
                parts.append("IP Address:" + ".".join(str(b) for b in raw))
            elif len(raw) == 16:
                groups = (f"{raw[i] << 8 | raw[i + 1]:X}" for i in range(0, 16, 2))
                parts.append("IP Address:" + ":".join(groups) + ipv6_general_name_end(flavour))
            else:
                parts.append("IP Address:<invalid>")
    return ", ".join(parts)


def parse(cert: OpenSSLCertificate, short_names: bool, flavour: str = "3.0") -> dict[str, Any]:
    """``openssl_x509_parse`` as PHP 8.2 builds it, key for key (extension texts as
    the ``flavour``'s OpenSSL prints them)."""
    x = cert.x509
    subject = lib.X509_get_subject_name(x)
    issuer = lib.X509_get_issuer_name(x)
    buf = ffi.new("char[]", 1024)
    out: dict[str, Any] = {}
    out["name"] = ffi.string(lib.X509_NAME_oneline(subject, buf, 1024)).decode(
        "utf-8", "surrogateescape"
    )
    out["subject"] = _name_entries(subject, short_names)
    out["hash"] = f"{lib.X509_subject_name_hash(x):08x}"
    out["issuer"] = _name_entries(issuer, short_names)
    out["version"] = int(lib.X509_get_version(x))
    out["serialNumber"], out["serialNumberHex"] = _serial_text(cert)
    not_before, not_after = lib.X509_get0_notBefore(x), lib.X509_get0_notAfter(x)
    out["validFrom"] = _asn1_text(not_before)
    out["validTo"] = _asn1_text(not_after)
    out["validFrom_time_t"] = _time_t(not_before)
    out["validTo_time_t"] = _time_t(not_after)
    sig = lib.X509_get_signature_nid(x)
    out["signatureTypeSN"] = ffi.string(lib.OBJ_nid2sn(sig)).decode()
    out["signatureTypeLN"] = ffi.string(lib.OBJ_nid2ln(sig)).decode()
    out["signatureTypeNID"] = int(sig)
    purposes: dict[int, list[Any]] = {}
    for i in range(lib.X509_PURPOSE_get_count()):
        purpose = lib.X509_PURPOSE_get0(i)
        pid = lib.X509_PURPOSE_get_id(purpose)
        name = (
            lib.X509_PURPOSE_get0_sname(purpose)
            if short_names
            else lib.X509_PURPOSE_get0_name(purpose)
        )
        purposes[int(pid)] = [
            lib.X509_check_purpose(x, pid, 0) != 0,
            lib.X509_check_purpose(x, pid, 1) != 0,
            ffi.string(name).decode(),
        ]
    lib.ERR_clear_error()
    out["purposes"] = purposes
    extensions: dict[str, str] = {}
    for i in range(lib.X509_get_ext_count(x)):
        ext = lib.X509_get_ext(x, i)
        obj = lib.X509_EXTENSION_get_object(ext)
        nid = lib.OBJ_obj2nid(obj)
        if nid != lib.NID_undef:
            name_text = ffi.string(lib.OBJ_nid2sn(nid)).decode()
        else:
            lib.OBJ_obj2txt(buf, 1023, obj, 1)
            name_text = ffi.string(buf).decode()
        if nid == lib.NID_subject_alt_name:
            extensions[name_text] = _san_text(cert, flavour)
            continue
        bio = ffi.gc(lib.BIO_new(lib.BIO_s_mem()), lib.BIO_free)
        if lib.X509V3_EXT_print(bio, ext, 0, 0):
            extensions[name_text] = x509v3_ext_text(flavour, name_text, _text(_bio_bytes(bio)))
        lib.ERR_clear_error()
    out["extensions"] = extensions
    return out
