"""TLS is always verified: a self-signed server is refused before a byte of the request
leaves, unless its certificate is the CA bundle the team configured."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from app.sync import auth
from app.sync.client import NetworkError, ServerClient
from tests.contract.client import Api, wait_until
from tests.contract.server import AGENT_ID, AGENT_PASSWORD
from tests.sync.conftest import DeskFactory, ProxyFactory, Reference
from tests.sync.harness import SleepLog, server_messages
from tests.sync.proxy import DropAfterForward


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A fresh certificate for 127.0.0.1 signed by its own key: (cert.pem, key.pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server-cert.pem", folder / "server-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, ssl.SSLContext]:
    cert_path, key_path = self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return cert_path, context


def test_self_signed_server_is_refused_at_sign_in(
    make_proxy: ProxyFactory, certificate: tuple[Path, ssl.SSLContext]
) -> None:
    """The password never leaves: the handshake fails, no request is parsed, and the
    error says the certificate is not trusted (not "server down", not retried)."""
    _cert, context = certificate
    proxy = make_proxy(tls=context)
    sleep = SleepLog()
    client = ServerClient(proxy.base_url, sleep=sleep)
    try:
        with pytest.raises(NetworkError, match="certificate is not trusted"):
            client.sign_in(username=AGENT_ID, password=AGENT_PASSWORD)
    finally:
        client.close()
    wait_until(lambda: bool(proxy.handshake_failures), 10, "the failed handshake")
    assert proxy.requests == []
    assert sleep.waits == [], "a certificate problem is not retried"


def test_self_signed_server_is_refused_by_sync(
    reference: Reference,
    make_desk: DeskFactory,
    make_proxy: ProxyFactory,
    certificate: tuple[Path, ssl.SSLContext],
) -> None:
    """A workspace whose server now presents an untrusted certificate: the sync reports
    offline with the certificate message and sends nothing (not even the token)."""
    _cert, context = certificate
    proxy = make_proxy(tls=context)
    signer = ServerClient(reference.url)
    tokens = signer.sign_in(username=AGENT_ID, password=AGENT_PASSWORD)
    signer.close()
    auth.save(proxy.base_url, AGENT_ID, tokens)  # signed in earlier: no sign-in now
    desk = make_desk(url=proxy.base_url)

    report = desk.sync()

    assert not report.online
    assert "certificate is not trusted" in (report.error or "")
    wait_until(lambda: bool(proxy.handshake_failures), 10, "the failed handshake")
    assert proxy.requests == []


def test_self_signed_server_is_accepted_with_its_ca_bundle(
    admin: Api,
    make_desk: DeskFactory,
    make_proxy: ProxyFactory,
    certificate: tuple[Path, ssl.SSLContext],
) -> None:
    """The same endpoint, with its certificate given as the CA bundle: sign-in, pull and
    push go through it."""
    cert, context = certificate
    conversation = admin.new_conversation()["id"]
    proxy = make_proxy(tls=context)

    desk = make_desk(url=proxy.base_url, verify=str(cert))
    desk.synced()
    desk.reply(conversation, "Sent over TLS.")
    desk.synced()

    assert proxy.seen("POST", "/v1/auth/token"), "sign-in went through the TLS endpoint"
    assert proxy.handshake_failures == []
    replies = [m["body"] for m in server_messages(admin, conversation) if m["kind"] == "agent"]
    assert replies == ["Sent over TLS."]
    assert desk.agent_replies(conversation)[0][2] == "sent"


@pytest.mark.parametrize("reset", [True, False], ids=["reset", "eof"])
def test_lost_response_over_tls_is_retried_not_blamed_on_the_certificate(
    reset: bool,
    admin: Api,
    make_desk: DeskFactory,
    make_proxy: ProxyFactory,
    certificate: tuple[Path, ssl.SSLContext],
) -> None:
    """A connection dropped mid-answer on a trusted TLS endpoint is a network hiccup:
    retried with the same key (one message), not "the certificate is not trusted"."""
    cert, context = certificate
    conversation = admin.new_conversation()["id"]
    proxy = make_proxy(tls=context)
    desk = make_desk(url=proxy.base_url, verify=str(cert))
    desk.synced()
    desk.reply(conversation, "Sent twice, stored once.")
    path = f"/v1/conversations/{conversation}/messages"
    proxy.on("POST", path, DropAfterForward(reset=reset))

    report = desk.sync()

    assert report.online and report.error is None, report
    assert len(proxy.seen("POST", path)) == 2
    replies = [m["body"] for m in server_messages(admin, conversation) if m["kind"] == "agent"]
    assert replies == ["Sent twice, stored once."]
