"""Tests for the cffi OpenSSL binding (phpstreams._native) and its build helper; no PHP needed.

Hermetic: TLS handshakes go through in-process memory BIOs, certificates are generated at test
time with the ``cryptography`` package, and the few child processes are local Pythons.
"""

from __future__ import annotations

import datetime
import importlib.util
import ipaddress
import math
import os
import socket
import subprocess
import sys
import types
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dh, ec
from cryptography.x509.oid import NameOID

import phpstreams
from phpstreams import _native
from phpstreams._native import _conditional, ffi, lib
from phpstreams._native import _openssl as _compiled
from phpstreams._version import __version__

REPO = Path(__file__).resolve().parent.parent
#: Where the phpstreams under test lives (the checkout, or site-packages under tox):
#: child interpreters must import the same one.
PACKAGE_ROOT = Path(phpstreams.__file__).resolve().parent.parent
BUILD_FILE = REPO / "phpstreams" / "_native" / "_build.py"
HOSTNAME = "phpstreams.test"


# --------------------------------------------------------------------------- helpers


class Certificate(NamedTuple):
    """A self-signed server certificate and its key, as files and as a cryptography object."""

    cert_path: Path
    key_path: Path
    cert: x509.Certificate


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """Generate an EC P-256 key and a self-signed certificate for HOSTNAME and 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOSTNAME)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(0x1234ABCD)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(HOSTNAME), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    directory = tmp_path_factory.mktemp("tls")
    cert_path = directory / "cert.pem"
    key_path = directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Certificate(cert_path, key_path, cert)


@pytest.fixture(autouse=True)
def clean_error_queue() -> Iterator[None]:
    """Start and end every test with an empty OpenSSL error queue."""
    lib.ERR_clear_error()
    yield
    lib.ERR_clear_error()


def drain_errors() -> list[str]:
    """Pop every error on this thread's queue as ERR_error_string_n text."""
    errors = []
    buf = ffi.new("char[]", 256)
    while code := lib.ERR_get_error():
        lib.ERR_error_string_n(code, buf, len(buf))
        errors.append(ffi.string(buf).decode())
    return errors


def server_ctx(certificate: Certificate) -> Any:
    """A server SSL_CTX with the test certificate and key loaded from their PEM files."""
    ctx = ffi.gc(lib.SSL_CTX_new(lib.TLS_server_method()), lib.SSL_CTX_free)
    assert ctx != ffi.NULL
    cert_file = str(certificate.cert_path).encode()
    key_file = str(certificate.key_path).encode()
    assert lib.SSL_CTX_use_certificate_chain_file(ctx, cert_file) == 1
    assert lib.SSL_CTX_use_PrivateKey_file(ctx, key_file, lib.SSL_FILETYPE_PEM) == 1
    assert lib.SSL_CTX_check_private_key(ctx) == 1
    return ctx


def client_ctx() -> Any:
    """A client SSL_CTX that does not verify the peer."""
    ctx = ffi.gc(lib.SSL_CTX_new(lib.TLS_client_method()), lib.SSL_CTX_free)
    assert ctx != ffi.NULL
    lib.SSL_CTX_set_verify(ctx, lib.SSL_VERIFY_NONE, ffi.NULL)
    return ctx


class Endpoint(NamedTuple):
    """An SSL object and the memory BIOs it reads from (rbio) and writes to (wbio)."""

    ssl: Any
    rbio: Any
    wbio: Any


def endpoint(ctx: Any, *, server: bool) -> Endpoint:
    """An SSL on two memory BIOs (owned by the SSL), in accept or connect state."""
    ssl = ffi.gc(lib.SSL_new(ctx), lib.SSL_free)
    assert ssl != ffi.NULL
    rbio = lib.BIO_new(lib.BIO_s_mem())
    wbio = lib.BIO_new(lib.BIO_s_mem())
    # An empty memory BIO reports "retry" rather than EOF, like a non-blocking socket.
    lib.phpstreams_BIO_set_mem_eof_return(rbio, -1)
    lib.SSL_set_bio(ssl, rbio, wbio)
    if server:
        lib.SSL_set_accept_state(ssl)
    else:
        lib.SSL_set_connect_state(ssl)
    return Endpoint(ssl, rbio, wbio)


def transfer(src: Endpoint, dst: Endpoint) -> int:
    """Move everything src has written into dst's read BIO; return the byte count."""
    pending = lib.phpstreams_BIO_pending(src.wbio)
    assert pending == lib.BIO_ctrl_pending(src.wbio)
    if not pending:
        return 0
    buf = ffi.new("char[]", pending)
    got = lib.BIO_read(src.wbio, buf, pending)
    assert got == pending
    assert lib.BIO_write(dst.rbio, buf, got) == got
    return int(got)


def handshake(client: Endpoint, server: Endpoint) -> None:
    """Drive both handshakes to completion, shuttling bytes between the memory BIOs."""
    done = {"client": False, "server": False}
    for _ in range(20):
        for name, side in (("client", client), ("server", server)):
            if done[name]:
                continue
            rc = lib.SSL_do_handshake(side.ssl)
            if rc == 1:
                done[name] = True
                continue
            err = lib.SSL_get_error(side.ssl, rc)
            if err not in (lib.SSL_ERROR_WANT_READ, lib.SSL_ERROR_WANT_WRITE):
                raise AssertionError(f"{name} handshake failed: {err} {drain_errors()}")
        moved = transfer(client, server) + transfer(server, client)
        if all(done.values()) and not moved:
            break
    assert lib.SSL_is_init_finished(client.ssl) == 1
    assert lib.SSL_is_init_finished(server.ssl) == 1


def connect(cctx: Any, sctx: Any) -> tuple[Endpoint, Endpoint]:
    """A completed in-memory TLS connection between a client and a server SSL."""
    client = endpoint(cctx, server=False)
    server = endpoint(sctx, server=True)
    assert lib.phpstreams_SSL_set_tlsext_host_name(client.ssl, HOSTNAME.encode()) == 1
    handshake(client, server)
    return client, server


def load_build_module() -> types.ModuleType:
    """Load _build.py by file path, the way cffi's setuptools hook does."""
    spec = importlib.util.spec_from_file_location("_phpstreams_build_under_test", BUILD_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build() -> types.ModuleType:
    """The build module (its import runs the prerequisite checks and parses the cdefs)."""
    return load_build_module()


# --------------------------------------------------------------------------- loading, versions


def test_versions_are_present_and_consistent() -> None:
    """The binding loads and its compiled and linked OpenSSL versions agree on the major."""
    assert _native.compiled_openssl_version.startswith("OpenSSL ")
    assert _native.linked_openssl_version.startswith("OpenSSL ")
    assert _native.compiled_openssl_version_number == lib.OPENSSL_VERSION_NUMBER
    assert _native.linked_openssl_version_number == lib.OpenSSL_version_num()
    compiled_major = _native.compiled_openssl_version_number >> 28
    linked_major = _native.linked_openssl_version_number >> 28
    assert compiled_major == linked_major
    assert _native.linked_openssl_version_number >= 0x10101000


def test_build_version_stamp_matches_package() -> None:
    """The version stamped into the compiled module is phpstreams' own version."""
    assert ffi.string(lib.PHPSTREAMS_BUILD_VERSION).decode() == __version__


_MISMATCH_SCRIPT = """
import sys, types
package = types.ModuleType("phpstreams")
package.__path__ = [sys.argv[1]]
sys.modules["phpstreams"] = package
version = types.ModuleType("phpstreams._version")
version.__version__ = "0.0.0.dev0+mismatch"
sys.modules["phpstreams._version"] = version
try:
    import phpstreams._native
except ImportError as exc:
    print(exc)
else:
    sys.exit("imported despite the version mismatch")
"""


def test_version_mismatch_is_an_import_error() -> None:
    """A binding stamped with another phpstreams version refuses to load and says to rebuild."""
    result = subprocess.run(
        [sys.executable, "-c", _MISMATCH_SCRIPT, str(PACKAGE_ROOT / "phpstreams")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=PACKAGE_ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"built for phpstreams {__version__}" in result.stdout
    assert "0.0.0.dev0+mismatch" in result.stdout
    assert "pip install ." in result.stdout


def test_ex_data_index_round_trips_a_python_object() -> None:
    """EX_DATA_INDEX stores a handle on an SSL and gives the same Python object back."""
    assert _native.EX_DATA_INDEX >= 0
    ssl = ffi.gc(lib.SSL_new(client_ctx()), lib.SSL_free)
    payload = object()
    handle = ffi.new_handle(payload)
    assert lib.SSL_set_ex_data(ssl, _native.EX_DATA_INDEX, handle) == 1
    assert ffi.from_handle(lib.SSL_get_ex_data(ssl, _native.EX_DATA_INDEX)) is payload
    assert lib.SSL_get_ex_data_X509_STORE_CTX_idx() >= 0


def test_extern_python_callbacks_have_the_setter_types() -> None:
    """The extern "Python" callbacks exist with the signatures their setters expect."""
    expected = {
        "phpstreams_verify_cb": "int(*)(int, X509_STORE_CTX *)",
        "phpstreams_passwd_cb": "int(*)(char *, int, int, void *)",
        "phpstreams_alpn_select_cb": (
            "int(*)(SSL *, const unsigned char * *, unsigned char *,"
            " const unsigned char *, unsigned int, void *)"
        ),
        "phpstreams_servername_cb": "int(*)(SSL *, int *, void *)",
    }
    for name, ctype in expected.items():
        assert ffi.typeof(getattr(lib, name)) is ffi.typeof(ctype), name
    assert ffi.typeof(lib.phpstreams_passwd_cb) is ffi.typeof("pem_password_cb *")


# --------------------------------------------------------------------------- feature flags


def test_has_mirrors_every_flag() -> None:
    """HAS has one field per flag in _conditional, equal to the compiled flag value."""
    fields = {name.upper() for name in _native.Features.__dataclass_fields__}
    flags = {flag.removeprefix("PHPSTREAMS_HAS_") for flag in _conditional.CONDITIONAL_NAMES}
    assert fields == flags
    for field in _native.Features.__dataclass_fields__:
        flag_value = getattr(_compiled.lib, "PHPSTREAMS_HAS_" + field.upper())
        assert getattr(_native.HAS, field) is bool(flag_value)


def test_conditional_table_names_exist_in_the_cdef() -> None:
    """Every flag and dependent name in the table is declared in the compiled module."""
    declared = set(dir(_compiled.lib))
    for flag, names in _conditional.CONDITIONAL_NAMES.items():
        assert flag in declared
        assert set(names) <= declared, flag


@pytest.mark.parametrize("flag", sorted(_conditional.CONDITIONAL_NAMES))
def test_real_lib_has_names_exactly_when_flag_set(flag: str) -> None:
    """A dependent name is in the facade's lib if and only if its flag is 1 on this machine."""
    present = bool(getattr(lib, flag))
    for name in _conditional.CONDITIONAL_NAMES[flag]:
        assert hasattr(lib, name) is present, name


def test_pruning_removes_names_of_unset_flags() -> None:
    """With a fake flag table, names of a 0 flag raise AttributeError and the rest remain."""
    fake = types.SimpleNamespace(
        PHPSTREAMS_HAS_OLD=0,
        PHPSTREAMS_HAS_NEW=1,
        old_function=object(),
        new_function=object(),
        unconditional=42,
    )
    table = {"PHPSTREAMS_HAS_OLD": ("old_function",), "PHPSTREAMS_HAS_NEW": ("new_function",)}
    pruned = _conditional.build_conditional_library(fake, table)
    assert pruned.new_function is fake.new_function
    assert pruned.unconditional == 42
    assert pruned.PHPSTREAMS_HAS_OLD == 0
    assert not hasattr(pruned, "old_function")
    with pytest.raises(AttributeError):
        _ = pruned.old_function


def test_pruning_rejects_an_unknown_flag() -> None:
    """A flag missing from the library is an error, not a silent 'feature absent'."""
    with pytest.raises(AttributeError):
        _conditional.build_conditional_library(
            types.SimpleNamespace(x=1), {"PHPSTREAMS_HAS_NOPE": ("x",)}
        )


# --------------------------------------------------------------------------- error queue


@pytest.mark.skipif(
    _native.linked_openssl_version_number < 0x30000000, reason="OpenSSL 3 error string format"
)
def test_raised_error_drains_with_openssl3_text() -> None:
    """A pushed SSL/no-shared-cipher error reads back as OpenSSL 3's exact error string."""
    lib.phpstreams_err_raise(lib.ERR_LIB_SSL, lib.SSL_R_NO_SHARED_CIPHER)
    code = lib.ERR_peek_error()
    assert code == lib.ERR_peek_last_error()
    assert lib.phpstreams_ERR_GET_LIB(code) == lib.ERR_LIB_SSL
    assert lib.phpstreams_ERR_GET_REASON(code) == lib.SSL_R_NO_SHARED_CIPHER
    assert ffi.string(lib.ERR_lib_error_string(code)) == b"SSL routines"
    assert ffi.string(lib.ERR_reason_error_string(code)) == b"no shared cipher"
    assert drain_errors() == ["error:0A0000C1:SSL routines::no shared cipher"]
    assert lib.ERR_get_error() == 0


def test_clear_error_empties_the_queue() -> None:
    """ERR_clear_error drops every queued error."""
    lib.phpstreams_err_raise(lib.ERR_LIB_SSL, lib.SSL_R_NO_SHARED_CIPHER)
    lib.phpstreams_err_raise(lib.ERR_LIB_SSL, lib.SSL_R_NO_SHARED_CIPHER)
    assert lib.ERR_peek_error() != 0
    lib.ERR_clear_error()
    assert lib.ERR_peek_error() == 0
    assert lib.ERR_get_error() == 0


# --------------------------------------------------------------------------- TLS over memory BIOs


@pytest.mark.skipif(not _native.HAS.tls1_3, reason="OpenSSL built without TLS 1.3")
def test_memory_bio_handshake_negotiates_tls13(certificate: Certificate) -> None:
    """Two SSL objects complete a TLS 1.3 handshake, exchange data and shut down."""
    client, server = connect(client_ctx(), server_ctx(certificate))
    assert ffi.string(lib.SSL_get_version(client.ssl)) == b"TLSv1.3"
    assert lib.SSL_version(server.ssl) == lib.TLS1_3_VERSION
    name = lib.SSL_get_servername(server.ssl, lib.TLSEXT_NAMETYPE_host_name)
    assert ffi.string(name).decode() == HOSTNAME
    cipher = lib.SSL_get_current_cipher(client.ssl)
    assert ffi.string(lib.SSL_CIPHER_get_name(cipher)).startswith(b"TLS_")
    assert ffi.string(lib.SSL_CIPHER_get_version(cipher)) == b"TLSv1.3"
    assert lib.SSL_CIPHER_get_bits(cipher, ffi.NULL) >= 128
    assert lib.SSL_session_reused(client.ssl) == 0

    written = ffi.new("size_t *")
    assert lib.SSL_write_ex(client.ssl, b"ping", 4, written) == 1
    assert written[0] == 4
    transfer(client, server)
    buf = ffi.new("char[]", 64)
    assert lib.SSL_peek(server.ssl, buf, 64) == 4
    assert lib.SSL_pending(server.ssl) == 4
    readbytes = ffi.new("size_t *")
    assert lib.SSL_read_ex(server.ssl, buf, 64, readbytes) == 1
    assert ffi.buffer(buf, readbytes[0])[:] == b"ping"

    assert lib.SSL_write(server.ssl, b"pong", 4) == 4
    transfer(server, client)
    assert lib.SSL_read(client.ssl, buf, 64) == 4
    assert ffi.buffer(buf, 4)[:] == b"pong"
    assert lib.SSL_has_pending(client.ssl) == 0

    assert lib.SSL_shutdown(client.ssl) == 0
    assert lib.SSL_get_shutdown(client.ssl) & lib.SSL_SENT_SHUTDOWN
    transfer(client, server)
    rc = lib.SSL_read(server.ssl, buf, 64)
    assert rc <= 0
    assert lib.SSL_get_error(server.ssl, rc) == lib.SSL_ERROR_ZERO_RETURN
    assert lib.SSL_get_shutdown(server.ssl) & lib.SSL_RECEIVED_SHUTDOWN


def test_max_proto_version_tls12(certificate: Certificate) -> None:
    """SSL_CTX_set_max_proto_version(TLS1_2_VERSION) on the client yields TLSv1.2."""
    cctx = client_ctx()
    assert lib.phpstreams_SSL_CTX_set_max_proto_version(cctx, lib.TLS1_2_VERSION) == 1
    assert lib.phpstreams_SSL_CTX_set_min_proto_version(cctx, lib.TLS1_2_VERSION) == 1
    client, server = connect(cctx, server_ctx(certificate))
    assert ffi.string(lib.SSL_get_version(client.ssl)) == b"TLSv1.2"
    assert lib.SSL_version(server.ssl) == lib.TLS1_2_VERSION


def test_options_and_modes_round_trip() -> None:
    """SSL_CTX options (64-bit in 3.0) and the mode wrappers set, report and clear bits."""
    ctx = client_ctx()
    wanted = lib.SSL_OP_NO_COMPRESSION | lib.SSL_OP_NO_TICKET
    if _native.HAS.ssl_op_ignore_unexpected_eof:
        wanted |= lib.SSL_OP_IGNORE_UNEXPECTED_EOF
    assert lib.SSL_CTX_set_options(ctx, wanted) & wanted == wanted
    assert lib.SSL_CTX_get_options(ctx) & wanted == wanted
    assert lib.SSL_CTX_clear_options(ctx, lib.SSL_OP_NO_TICKET) & lib.SSL_OP_NO_TICKET == 0
    mode = lib.SSL_MODE_ENABLE_PARTIAL_WRITE | lib.SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
    assert lib.phpstreams_SSL_CTX_set_mode(ctx, mode) & mode == mode
    ssl = ffi.gc(lib.SSL_new(ctx), lib.SSL_free)
    assert lib.phpstreams_SSL_set_mode(ssl, lib.SSL_MODE_RELEASE_BUFFERS) & mode == mode
    assert lib.SSL_set_options(ssl, lib.SSL_OP_NO_TICKET) & lib.SSL_OP_NO_TICKET
    if _native.HAS.security_level:
        lib.SSL_CTX_set_security_level(ctx, 0)
        assert lib.SSL_CTX_get_security_level(ctx) == 0


def test_verification_results_use_x509_v_codes(certificate: Certificate) -> None:
    """Verifying the self-signed peer gives X509_V_OK when trusted, DEPTH_ZERO otherwise."""
    sctx = server_ctx(certificate)

    untrusted = client_ctx()
    client, _ = connect(untrusted, sctx)
    assert lib.SSL_get_verify_result(client.ssl) == lib.X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
    text = ffi.string(lib.X509_verify_cert_error_string(lib.SSL_get_verify_result(client.ssl)))
    assert text == b"self-signed certificate" or b"self signed" in text

    trusted = client_ctx()
    lib.SSL_CTX_set_verify(trusted, lib.SSL_VERIFY_PEER, ffi.NULL)
    bio = ffi.gc(lib.BIO_new_file(str(certificate.cert_path).encode(), b"r"), lib.BIO_free)
    cert = ffi.gc(lib.PEM_read_bio_X509(bio, ffi.NULL, ffi.NULL, ffi.NULL), lib.X509_free)
    assert lib.X509_STORE_add_cert(lib.SSL_CTX_get_cert_store(trusted), cert) == 1
    client, _ = connect(trusted, sctx)
    assert lib.SSL_get_verify_result(client.ssl) == lib.X509_V_OK


def test_peer_certificate_fields(certificate: Certificate) -> None:
    """Subject CN, subjectAltName, serial, digest and DER of the peer match cryptography's."""
    client, _ = connect(client_ctx(), server_ctx(certificate))
    peer = ffi.gc(lib.SSL_get1_peer_certificate(client.ssl), lib.X509_free)
    assert peer != ffi.NULL
    chain = lib.SSL_get_peer_cert_chain(client.ssl)
    assert lib.phpstreams_sk_X509_num(chain) == 1
    assert lib.X509_cmp(lib.phpstreams_sk_X509_value(chain, 0), peer) == 0

    subject = lib.X509_get_subject_name(peer)
    index = lib.X509_NAME_get_index_by_NID(subject, lib.NID_commonName, -1)
    assert index >= 0
    assert asn1_text(lib.X509_NAME_ENTRY_get_data(lib.X509_NAME_get_entry(subject, index))) == (
        HOSTNAME
    )
    oneline = lib.X509_NAME_oneline(subject, ffi.NULL, 0)
    assert ffi.string(oneline).decode() == f"/CN={HOSTNAME}"
    lib.phpstreams_OPENSSL_free(oneline)
    assert lib.phpstreams_X509_NAME_hash(subject) == lib.X509_subject_name_hash(peer)

    raw_names = lib.X509_get_ext_d2i(peer, lib.NID_subject_alt_name, ffi.NULL, ffi.NULL)
    names = ffi.gc(ffi.cast("GENERAL_NAMES *", raw_names), lib.GENERAL_NAMES_free)
    found = []
    for i in range(lib.phpstreams_sk_GENERAL_NAME_num(names)):
        entry = lib.phpstreams_sk_GENERAL_NAME_value(names, i)
        string = lib.phpstreams_general_name_string(entry)
        data = ffi.buffer(lib.ASN1_STRING_get0_data(string), lib.ASN1_STRING_length(string))[:]
        found.append((entry.type, data))
    assert found == [(lib.GEN_DNS, HOSTNAME.encode()), (lib.GEN_IPADD, bytes([127, 0, 0, 1]))]

    bn = ffi.gc(lib.ASN1_INTEGER_to_BN(lib.X509_get_serialNumber(peer), ffi.NULL), lib.BN_free)
    hex_serial = lib.BN_bn2hex(bn)
    assert ffi.string(hex_serial) == b"1234ABCD"
    lib.phpstreams_OPENSSL_free(hex_serial)

    digest = ffi.new("unsigned char[]", lib.EVP_MAX_MD_SIZE)
    length = ffi.new("unsigned int *")
    assert lib.X509_digest(peer, lib.EVP_get_digestbyname(b"sha256"), digest, length) == 1
    expected = certificate.cert.fingerprint(hashes.SHA256())
    assert ffi.buffer(digest, length[0])[:] == expected

    der = ffi.new("unsigned char **")
    der_length = lib.i2d_X509(peer, der)
    assert ffi.buffer(der[0], der_length)[:] == certificate.cert.public_bytes(
        serialization.Encoding.DER
    )
    lib.phpstreams_OPENSSL_free(der[0])

    when = ffi.new("struct tm *")
    assert lib.ASN1_TIME_to_tm(lib.X509_get0_notAfter(peer), when) == 1
    assert when.tm_year + 1900 == certificate.cert.not_valid_after_utc.year


def bio_text(bio: Any) -> str:
    """Everything buffered in a memory BIO, as text."""
    buf = ffi.new("char[]", 4096)
    return bytes(ffi.buffer(buf, lib.BIO_read(bio, buf, len(buf)))).decode()


def test_certificate_details_for_x509_parse(certificate: Certificate) -> None:
    """Version, signature, extensions, times, OIDs and purposes read as openssl_x509_parse does."""
    der = certificate.cert.public_bytes(serialization.Encoding.DER)
    source = ffi.gc(lib.BIO_new_mem_buf(der, len(der)), lib.BIO_free)
    cert = ffi.gc(lib.d2i_X509_bio(source, ffi.NULL), lib.X509_free)
    assert cert != ffi.NULL
    assert lib.X509_up_ref(cert) == 1
    lib.X509_free(cert)

    assert lib.X509_get_version(cert) == 2
    assert ffi.string(lib.OBJ_nid2sn(lib.X509_get_signature_nid(cert))) == b"ecdsa-with-SHA256"
    assert ffi.string(lib.OBJ_nid2ln(lib.NID_commonName)) == b"commonName"

    issuer = lib.X509_get_issuer_name(cert)
    assert lib.X509_NAME_entry_count(issuer) == 1
    entry_object = lib.X509_NAME_ENTRY_get_object(lib.X509_NAME_get_entry(issuer, 0))
    assert lib.OBJ_obj2nid(entry_object) == lib.NID_commonName
    oid = ffi.new("char[]", 80)
    assert lib.OBJ_obj2txt(oid, len(oid), entry_object, 1) > 0
    assert ffi.string(oid) == b"2.5.4.3"
    assert lib.ASN1_STRING_type(lib.X509_NAME_ENTRY_get_data(lib.X509_NAME_get_entry(issuer, 0)))

    assert lib.X509_get_ext_count(cert) == 1
    extension = lib.X509_get_ext(cert, 0)
    assert lib.OBJ_obj2nid(lib.X509_EXTENSION_get_object(extension)) == lib.NID_subject_alt_name
    out = ffi.gc(lib.BIO_new(lib.BIO_s_mem()), lib.BIO_free)
    assert lib.X509V3_EXT_print(out, extension, 0, 0) == 1
    assert bio_text(out) == f"DNS:{HOSTNAME}, IP Address:127.0.0.1"

    assert lib.ASN1_TIME_print(out, lib.X509_get0_notBefore(cert)) == 1
    assert bio_text(out).endswith(" GMT")

    bn = ffi.gc(lib.ASN1_INTEGER_to_BN(lib.X509_get_serialNumber(cert), ffi.NULL), lib.BN_free)
    decimal = lib.BN_bn2dec(bn)
    assert int(ffi.string(decimal)) == 0x1234ABCD
    lib.phpstreams_OPENSSL_free(decimal)

    purposes = {}
    for i in range(lib.X509_PURPOSE_get_count()):
        purpose = lib.X509_PURPOSE_get0(i)
        short_name = ffi.string(lib.X509_PURPOSE_get0_sname(purpose)).decode()
        assert ffi.string(lib.X509_PURPOSE_get0_name(purpose))
        purposes[short_name] = lib.X509_check_purpose(cert, lib.X509_PURPOSE_get_id(purpose), 0)
    assert purposes["sslserver"] == 1


def test_sessions_resume_and_connection_accessors(certificate: Certificate) -> None:
    """A TLS 1.2 session is resumed by a second client; fd, CTX and verify accessors work."""
    sctx = server_ctx(certificate)
    assert lib.SSL_CTX_set_session_id_context(sctx, b"phpstreams", 10) == 1
    assert lib.SSL_CTX_set_cipher_list(sctx, b"HIGH:!aNULL") == 1
    cctx = client_ctx()
    assert lib.phpstreams_SSL_CTX_set_max_proto_version(cctx, lib.TLS1_2_VERSION) == 1
    first, _ = connect(cctx, sctx)
    session = lib.SSL_get_session(first.ssl)
    assert session != ffi.NULL

    second = endpoint(cctx, server=False)
    assert lib.SSL_set_session(second.ssl, session) == 1
    server = endpoint(sctx, server=True)
    handshake(second, server)
    assert lib.SSL_session_reused(second.ssl) == 1

    third = ffi.gc(lib.SSL_new(cctx), lib.SSL_free)
    assert lib.SSL_copy_session_id(third, first.ssl) == 1
    assert lib.SSL_get_session(third) == session
    assert lib.SSL_get_SSL_CTX(third) == cctx
    assert lib.SSL_set_SSL_CTX(third, sctx) == sctx
    assert lib.SSL_get_SSL_CTX(third) == sctx
    lib.SSL_set_verify(third, lib.SSL_VERIFY_PEER, ffi.NULL)
    lib.SSL_set_verify_depth(third, 3)
    lib.SSL_set_verify_result(third, lib.X509_V_ERR_CERT_HAS_EXPIRED)
    assert lib.SSL_get_verify_result(third) == lib.X509_V_ERR_CERT_HAS_EXPIRED
    lib.SSL_set_shutdown(third, lib.SSL_SENT_SHUTDOWN | lib.SSL_RECEIVED_SHUTDOWN)
    assert lib.SSL_get_shutdown(third) == lib.SSL_SENT_SHUTDOWN | lib.SSL_RECEIVED_SHUTDOWN

    left, right = socket.socketpair()
    with left, right:
        assert lib.SSL_set_fd(third, left.fileno()) == 1
        assert lib.SSL_get_fd(third) == left.fileno()


def ffdhe2048_prime() -> int:
    """The RFC 7919 ffdhe2048 prime, from its defining formula (no DH generation at test time)."""
    guard = 96
    e_scaled = sum((1 << (1918 + guard)) // math.factorial(k) for k in range(400)) >> guard
    return (1 << 2048) - (1 << 1984) + (e_scaled + 560316) * (1 << 64) - 1


def test_context_loading_functions(certificate: Certificate, tmp_path: Path) -> None:
    """CA files, client CA lists, DH parameters and verify settings load into an SSL_CTX."""
    ctx = server_ctx(certificate)
    cafile = str(certificate.cert_path).encode()
    assert lib.SSL_CTX_load_verify_locations(ctx, cafile, ffi.NULL) == 1
    assert lib.SSL_CTX_set_default_verify_paths(ctx) == 1
    lib.SSL_CTX_set_verify(
        ctx, lib.SSL_VERIFY_PEER | lib.SSL_VERIFY_FAIL_IF_NO_PEER_CERT, lib.phpstreams_verify_cb
    )
    lib.SSL_CTX_set_verify_depth(ctx, 5)

    pem = certificate.cert_path.read_bytes()
    bio = ffi.gc(lib.BIO_new_mem_buf(pem, len(pem)), lib.BIO_free)
    cert = ffi.gc(lib.PEM_read_bio_X509(bio, ffi.NULL, ffi.NULL, ffi.NULL), lib.X509_free)

    names = lib.SSL_load_client_CA_file(cafile)
    assert lib.phpstreams_sk_X509_NAME_num(names) == 1
    name = lib.phpstreams_sk_X509_NAME_value(names, 0)
    assert lib.phpstreams_X509_NAME_hash(name) == lib.X509_subject_name_hash(cert)
    lib.SSL_CTX_set_client_CA_list(ctx, names)  # takes ownership
    spare = lib.SSL_load_client_CA_file(cafile)
    lib.phpstreams_sk_X509_NAME_pop_free(spare)

    stack = lib.phpstreams_sk_X509_new_null()
    assert lib.phpstreams_sk_X509_push(stack, cert) == 1
    assert lib.phpstreams_sk_X509_num(stack) == 1
    assert lib.phpstreams_sk_X509_value(stack, 0) == cert
    lib.phpstreams_sk_X509_free(stack)

    assert lib.phpstreams_SSL_CTX_set_dh_auto(ctx, 1) == 1
    if _native.HAS.ssl_ctx_set0_tmp_dh_pkey:
        with warnings.catch_warnings():
            # Newer cryptography releases deprecate finite-field DH; PHP still supports it.
            warnings.simplefilter("ignore")
            parameters = dh.DHParameterNumbers(ffdhe2048_prime(), 2).parameters()
            dh_pem = parameters.parameter_bytes(
                serialization.Encoding.PEM, serialization.ParameterFormat.PKCS3
            )
        dh_bio = ffi.gc(lib.BIO_new_mem_buf(dh_pem, len(dh_pem)), lib.BIO_free)
        pkey = lib.PEM_read_bio_Parameters(dh_bio, ffi.NULL)
        assert pkey != ffi.NULL
        if lib.SSL_CTX_set0_tmp_dh_pkey(ctx, pkey) != 1:  # on success ctx owns pkey
            lib.EVP_PKEY_free(pkey)
            raise AssertionError(drain_errors())
    assert drain_errors() == []


def asn1_text(string: Any) -> str:
    """An ASN1_STRING as Python text, via ASN1_STRING_to_UTF8."""
    out = ffi.new("unsigned char **")
    length = lib.ASN1_STRING_to_UTF8(out, string)
    assert length >= 0
    try:
        return bytes(ffi.buffer(out[0], length)).decode()
    finally:
        lib.phpstreams_OPENSSL_free(out[0])


def test_pem_round_trip_through_memory_bios(certificate: Certificate) -> None:
    """A certificate read from a memory BIO writes back to the same PEM."""
    pem = certificate.cert_path.read_bytes()
    source = ffi.gc(lib.BIO_new_mem_buf(pem, len(pem)), lib.BIO_free)
    cert = ffi.gc(lib.PEM_read_bio_X509(source, ffi.NULL, ffi.NULL, ffi.NULL), lib.X509_free)
    assert cert != ffi.NULL
    sink = ffi.gc(lib.BIO_new(lib.BIO_s_mem()), lib.BIO_free)
    assert lib.PEM_write_bio_X509(sink, cert) == 1
    buf = ffi.new("char[]", len(pem) + 64)
    assert ffi.buffer(buf, lib.BIO_read(sink, buf, len(buf)))[:] == pem


def callback_scenario(cert_path: str, encrypted_key_path: str) -> None:
    """Attach all four extern "Python" callbacks and check each is called during a handshake.

    Run in a child process (test_extern_python_callbacks_work_end_to_end): def_extern attaches
    a body process-wide, and in this process the bodies belong to the TLS engine.
    """
    calls: dict[str, Any] = {"verify": [], "servername": [], "passwd": 0}
    owner = object()
    owner_handle = ffi.new_handle(owner)
    passphrase_handle = ffi.new_handle(b"sesame")
    server_protocols = ffi.new("unsigned char[]", b"\x08http/1.1")

    @ffi.def_extern(name="phpstreams_passwd_cb", error=0)  # type: ignore[untyped-decorator]
    def passwd_cb(buf: Any, size: int, rwflag: int, userdata: Any) -> int:
        secret: bytes = ffi.from_handle(userdata)
        calls["passwd"] += 1
        ffi.memmove(buf, secret, min(size, len(secret)))
        return min(size, len(secret))

    @ffi.def_extern(name="phpstreams_verify_cb", error=0)  # type: ignore[untyped-decorator]
    def verify_cb(preverify_ok: int, store_ctx: Any) -> int:
        ssl = lib.X509_STORE_CTX_get_ex_data(store_ctx, lib.SSL_get_ex_data_X509_STORE_CTX_idx())
        data = lib.SSL_get_ex_data(ffi.cast("SSL *", ssl), _native.EX_DATA_INDEX)
        assert ffi.from_handle(data) is owner
        error = lib.X509_STORE_CTX_get_error(store_ctx)
        depth = lib.X509_STORE_CTX_get_error_depth(store_ctx)
        assert lib.X509_STORE_CTX_get_current_cert(store_ctx) != ffi.NULL
        calls["verify"].append((preverify_ok, error, depth))
        lib.X509_STORE_CTX_set_error(store_ctx, lib.X509_V_OK)  # PHP's allow_self_signed
        return 1

    @ffi.def_extern(name="phpstreams_servername_cb", error=2)  # type: ignore[untyped-decorator]
    def servername_cb(ssl: Any, alert: Any, arg: Any) -> int:
        assert ffi.from_handle(arg) is owner
        name = lib.SSL_get_servername(ssl, lib.TLSEXT_NAMETYPE_host_name)
        calls["servername"].append(ffi.string(name).decode())
        return int(lib.SSL_TLSEXT_ERR_OK)

    @ffi.def_extern(name="phpstreams_alpn_select_cb", error=2)  # type: ignore[untyped-decorator]
    def alpn_select_cb(
        ssl: Any, out: Any, outlen: Any, client_list: Any, client_len: int, arg: Any
    ) -> int:
        chosen = ffi.new("unsigned char **")
        rc = lib.SSL_select_next_proto(
            chosen, outlen, server_protocols, len(server_protocols) - 1, client_list, client_len
        )
        if rc != lib.OPENSSL_NPN_NEGOTIATED:
            return int(lib.SSL_TLSEXT_ERR_NOACK)
        out[0] = chosen[0]
        return int(lib.SSL_TLSEXT_ERR_OK)

    sctx = ffi.gc(lib.SSL_CTX_new(lib.TLS_server_method()), lib.SSL_CTX_free)
    lib.SSL_CTX_set_default_passwd_cb(sctx, lib.phpstreams_passwd_cb)
    lib.SSL_CTX_set_default_passwd_cb_userdata(sctx, passphrase_handle)
    assert lib.SSL_CTX_use_certificate_chain_file(sctx, cert_path.encode()) == 1
    assert lib.SSL_CTX_use_PrivateKey_file(sctx, encrypted_key_path.encode(), 1) == 1
    assert calls["passwd"] == 1
    lib.phpstreams_SSL_CTX_set_tlsext_servername_callback(sctx, lib.phpstreams_servername_cb)
    lib.phpstreams_SSL_CTX_set_tlsext_servername_arg(sctx, owner_handle)
    lib.SSL_CTX_set_alpn_select_cb(sctx, lib.phpstreams_alpn_select_cb, ffi.NULL)

    cctx = client_ctx()
    lib.SSL_CTX_set_verify(cctx, lib.SSL_VERIFY_PEER, lib.phpstreams_verify_cb)
    client_protocols = b"\x02h2\x08http/1.1"
    assert lib.SSL_CTX_set_alpn_protos(cctx, client_protocols, len(client_protocols)) == 0
    client = endpoint(cctx, server=False)
    server = endpoint(sctx, server=True)
    lib.SSL_set_ex_data(client.ssl, _native.EX_DATA_INDEX, owner_handle)
    assert lib.phpstreams_SSL_set_tlsext_host_name(client.ssl, HOSTNAME.encode()) == 1
    handshake(client, server)

    assert calls["servername"] == [HOSTNAME]
    assert calls["verify"][0] == (0, lib.X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, 0)
    assert lib.SSL_get_verify_result(client.ssl) == lib.X509_V_OK
    selected = ffi.new("const unsigned char **")
    selected_len = ffi.new("unsigned int *")
    lib.SSL_get0_alpn_selected(client.ssl, selected, selected_len)
    assert ffi.buffer(selected[0], selected_len[0])[:] == b"http/1.1"


def test_extern_python_callbacks_work_end_to_end(certificate: Certificate, tmp_path: Path) -> None:
    """In a child process, the passphrase, SNI, ALPN and verify callbacks all take effect."""
    key_pem = certificate.key_path.read_bytes()
    key = serialization.load_pem_private_key(key_pem, password=None)
    encrypted = tmp_path / "encrypted-key.pem"
    encrypted.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"sesame"),
        )
    )
    code = "import runpy, sys; runpy.run_path(sys.argv[1])['callback_scenario'](*sys.argv[2:])"
    result = subprocess.run(
        [sys.executable, "-c", code, __file__, str(certificate.cert_path), str(encrypted)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=child_env(),
        cwd=PACKAGE_ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""


def child_env() -> dict[str, str]:
    """The environment for a child Python that must import the phpstreams under test."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), env.get("PYTHONPATH")]))
    return env


# --------------------------------------------------------------------------- build helper


def test_join_modules_orders_cdef_and_source(build: types.ModuleType) -> None:
    """join_modules puts all TYPES before all FUNCTIONS and all INCLUDES before CUSTOMIZATIONS."""
    first = build.SourceModule(INCLUDES="I1", TYPES="T1", FUNCTIONS="F1", CUSTOMIZATIONS="C1")
    second = build.SourceModule(INCLUDES="I2", TYPES="T2", FUNCTIONS="F2", CUSTOMIZATIONS="C2")
    joined = build.join_modules([first, second])
    assert joined.cdef == "T1\nT2\nF1\nF2"
    assert joined.source == "I1\nI2\nC1\nC2"


def test_build_ffi_declares_joined_cdef(build: types.ModuleType) -> None:
    """build_ffi parses the joined cdef of the given modules into an FFI builder."""
    module = build.SourceModule(
        INCLUDES="#include <stddef.h>",
        TYPES="typedef long thing_t;",
        FUNCTIONS="thing_t use_thing(thing_t *);",
    )
    builder = build.build_ffi([module], "example._native")
    assert builder.typeof("thing_t") is builder.typeof("long")
    assert builder.typeof("thing_t(*)(thing_t *)") is builder.typeof("long(*)(long *)")


def test_cdef_modules_and_version_stamp(build: types.ModuleType) -> None:
    """Every cdef module defines the four strings, and the stamp is the package version."""
    modules = build.load_cdef_modules()
    assert len(modules) == len(build.load_cdef_modules())
    for module in modules:
        for attr in ("INCLUDES", "TYPES", "FUNCTIONS", "CUSTOMIZATIONS"):
            assert isinstance(getattr(module, attr), str), (module.__name__, attr)
    prelude = modules[0].TYPES + modules[0].CUSTOMIZATIONS
    for flag in _conditional.CONDITIONAL_NAMES:
        assert flag in prelude
    assert build.read_version() == __version__
    stamp = build.version_stamp(__version__)
    assert f'"{__version__}"' in stamp.CUSTOMIZATIONS
    assert build.openssl_dirs({}) == {
        "include_dirs": [],
        "library_dirs": [],
        "runtime_library_dirs": [],
    }


# --------------------------------------------------------------------------- debug module


def test_debug_module_runs() -> None:
    """`python -m phpstreams.debug` exits 0 and prints the OpenSSL versions."""
    result = subprocess.run(
        [sys.executable, "-m", "phpstreams.debug"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=child_env(),
        cwd=PACKAGE_ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert f"phpstreams: {__version__}" in result.stdout
    assert f"OpenSSL linked: {_native.linked_openssl_version}" in result.stdout
    assert "php: " in result.stdout
