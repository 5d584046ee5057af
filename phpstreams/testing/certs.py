"""Run-time test certificates: CAs, intermediates, leafs with SAN/CN variants, expired,
self-signed, client certificates, encrypted keys and DH parameters, written as PEM files.

Needs ``cryptography`` (the ``phpstreams[testing]`` extra); nothing else in the package
imports this module unless a certificate is asked for.

    factory = CertificateFactory(tmp_dir)
    ca = factory.ca()
    leaf = ca.issue("localhost", "127.0.0.1")          # SAN only, like trustme
    named = ca.issue(cn="example.com", san=False)      # CN only, no SAN
    old = ca.issue("localhost", expired=True)
    own = factory.self_signed("localhost", "127.0.0.1")
    sub = ca.intermediate(); chained = sub.issue("localhost")  # chained.pem carries sub too

``Credential.pem`` is key + certificate + intermediates (what ``local_cert`` and
``ssl.SSLContext.load_cert_chain`` take); ``Authority.cafile`` is what ``cafile`` takes.
Keys are ECDSA P-256 unless ``key="rsa"`` (fast to make; any OpenSSL 1.1+ accepts them).
"""

from __future__ import annotations

import datetime
import ipaddress
import itertools
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dh, ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["Authority", "CertificateFactory", "Credential"]

KeyKind = Literal["ec", "rsa"]
_FAR_PAST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
_FAR_FUTURE = datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC)


def _key(kind: KeyKind) -> Any:
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def _general_name(identity: str) -> x509.GeneralName:
    if "@" in identity:
        return x509.RFC822Name(identity)
    try:
        return x509.IPAddress(ipaddress.ip_address(identity))
    except ValueError:
        return x509.DNSName(identity)


def _name(unit: str, cn: str | None, organization: str = "phpstreams") -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit),
    ]
    if cn is not None:
        attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=not ca,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


@dataclass(frozen=True)
class Credential:
    """A certificate and its key on disk.

    ``pem``: key + certificate + intermediates; ``cert``: the certificate alone;
    ``key``: the key alone (encrypted when ``passphrase`` is set); ``chain``: certificate
    + intermediates without the key."""

    name: str
    pem: str
    cert: str
    key: str
    chain: str
    certificate: x509.Certificate
    passphrase: str | None = None


class Authority:
    """A CA (root or intermediate) that issues certificates into its factory's directory."""

    def __init__(
        self,
        factory: CertificateFactory,
        name: str,
        *,
        parent: Authority | None = None,
        key: KeyKind = "ec",
    ) -> None:
        self.factory = factory
        self.name = name
        self.parent = parent
        self.private_key = _key(key)
        subject = _name(f"Testing CA {name}", None)
        issuer_name = parent.certificate.subject if parent else subject
        signer = parent.private_key if parent else self.private_key
        builder = (
            factory.builder(subject, issuer_name, self.private_key.public_key())
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_key_usage(ca=True), critical=True)
        )
        if parent is not None:
            builder = builder.add_extension(parent.key_identifier(), critical=False)
        self.certificate: x509.Certificate = builder.sign(signer, hashes.SHA256())
        #: The CA certificate alone: a ``cafile``.
        self.cafile = factory.write(f"{name}.pem", _pem(self.certificate))

    def key_identifier(self) -> x509.AuthorityKeyIdentifier:
        ski = self.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
        return x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski.value)

    def chain_pems(self) -> bytes:
        """This CA and its parents up to (not including) the root, leaf-side first."""
        out = b""
        ca: Authority | None = self
        while ca is not None and ca.parent is not None:
            out += _pem(ca.certificate)
            ca = ca.parent
        return out

    def intermediate(self, name: str | None = None, *, key: KeyKind = "ec") -> Authority:
        """A CA signed by this one; what it issues carries it in ``Credential.pem``."""
        return Authority(
            self.factory, name or self.factory.fresh_name("intermediate"), parent=self, key=key
        )

    def issue(
        self,
        *identities: str,
        cn: str | None = None,
        san: bool = True,
        name: str | None = None,
        expired: bool = False,
        not_before: datetime.datetime | None = None,
        not_after: datetime.datetime | None = None,
        key: KeyKind = "ec",
        passphrase: str | None = None,
    ) -> Credential:
        """A leaf for ``identities`` (DNS names or IP addresses, as subjectAltName).

        ``cn`` adds a subject CN; ``san=False`` leaves out the SAN extension (a CN-only
        certificate); ``expired`` ends validity yesterday; ``passphrase`` encrypts the key.
        Leafs are valid for server and client authentication."""
        private_key = _key(key)
        now = datetime.datetime.now(datetime.UTC)
        if expired:
            not_before = not_before or now - datetime.timedelta(days=30)
            not_after = now - datetime.timedelta(days=1)
        builder = (
            self.factory.builder(
                _name(f"Testing cert {self.factory.fresh_name('leaf')}", cn),
                self.certificate.subject,
                private_key.public_key(),
                not_before=not_before,
                not_after=not_after,
            )
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(self.key_identifier(), critical=False)
            .add_extension(_key_usage(ca=False), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
                ),
                critical=False,
            )
        )
        if san and identities:
            names = [_general_name(i) for i in identities]
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        cert = builder.sign(self.private_key, hashes.SHA256())
        return self.factory.save(
            name or self.factory.fresh_name("leaf"),
            private_key,
            cert,
            self.chain_pems(),
            passphrase,
        )


class CertificateFactory:
    """Makes and writes certificates under ``directory`` (one file per credential)."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._counter = itertools.count(1)

    def fresh_name(self, prefix: str) -> str:
        return f"{prefix}{next(self._counter)}"

    def write(self, filename: str, data: bytes) -> str:
        path = self.directory / filename
        path.write_bytes(data)
        return str(path)

    def builder(
        self,
        subject: x509.Name,
        issuer: x509.Name,
        public_key: Any,
        *,
        not_before: datetime.datetime | None = None,
        not_after: datetime.datetime | None = None,
    ) -> x509.CertificateBuilder:
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or _FAR_PAST)
            .not_valid_after(not_after or _FAR_FUTURE)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        )

    def save(
        self,
        name: str,
        private_key: Any,
        cert: x509.Certificate,
        intermediates: bytes = b"",
        passphrase: str | None = None,
    ) -> Credential:
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(passphrase.encode())
            if passphrase
            else serialization.NoEncryption()
        )
        key_pem = private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )
        chain = _pem(cert) + intermediates
        return Credential(
            name=name,
            pem=self.write(f"{name}.pem", key_pem + chain),
            cert=self.write(f"{name}_cert.pem", _pem(cert)),
            key=self.write(f"{name}_key.pem", key_pem),
            chain=self.write(f"{name}_chain.pem", chain),
            certificate=cert,
            passphrase=passphrase,
        )

    def ca(self, name: str | None = None, *, key: KeyKind = "ec") -> Authority:
        """A new root CA."""
        return Authority(self, name or self.fresh_name("ca"), key=key)

    def self_signed(
        self, *identities: str, cn: str | None = None, name: str | None = None, key: KeyKind = "ec"
    ) -> Credential:
        """A certificate signed by its own key (SAN ``identities``, CN ``cn`` or the first)."""
        private_key = _key(key)
        subject = _name("Self-signed", cn or (identities[0] if identities else "localhost"))
        builder = self.builder(subject, subject, private_key.public_key())
        if identities:
            names = [_general_name(i) for i in identities]
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        cert = builder.sign(private_key, hashes.SHA256())
        return self.save(name or self.fresh_name("selfsigned"), private_key, cert)

    def dh_params(self, name: str = "dh", bits: int = 1024) -> str:
        """DH parameters (PEM). 1024 bits: quick to generate, enough for seclevel 1."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # newer cryptography deprecates finite-field DH
            pem = dh.generate_parameters(generator=2, key_size=bits).parameter_bytes(
                serialization.Encoding.PEM, serialization.ParameterFormat.PKCS3
            )
        return self.write(f"{name}.pem", pem)
