"""Real SMTP servers on 127.0.0.1 for tests: aiosmtpd that records what it receives (or refuses what it is
told to), a server that only says one line, one that never answers, and a self-signed certificate."""

from __future__ import annotations

import datetime as dt
import email
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"


def free_port() -> int:
    """A port nothing listens on right now (aiosmtpd's start-up check cannot work with port 0)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    mail_options: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.content, policy=default_policy)  # type: ignore[return-value]


@dataclass
class Recorder:
    """An aiosmtpd handler keeping every accepted message; a `*_reply` refuses that step with the reply."""

    mail_reply: str | None = None
    rcpt_reply: str | None = None
    data_reply: str | None = None
    received: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_MAIL(self, server, session, envelope, address, mail_options) -> str:
        if self.mail_reply:
            return self.mail_reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.data_reply:
            return self.data_reply
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), list(envelope.mail_options), envelope.content)
        )
        return "250 Message accepted for delivery"


def authenticator(user: str, password: str, recorder: Recorder):
    """An aiosmtpd authenticator accepting only `user` with `password`, recording each login tried."""

    def check(server, session, envelope, mechanism: str, auth_data: Any) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login, secret = auth_data.login.decode(), auth_data.password.decode()
        recorder.logins.append((login, secret))
        return AuthResult(success=(login, secret) == (user, password), handled=False)

    return check


@dataclass
class LocalSmtp:
    host: str
    port: int
    recorder: Recorder

    @property
    def received(self) -> list[Received]:
        return self.recorder.received


@contextmanager
def smtp_server(recorder: Recorder | None = None, **smtp_options: Any) -> Iterator[LocalSmtp]:
    """An aiosmtpd server on a free port; `smtp_options` go to aiosmtpd (auth, TLS, SMTPUTF8...)."""
    recorder = recorder or Recorder()
    port = free_port()
    controller = Controller(recorder, hostname=HOST, port=port, server_hostname="mx.example.com", **smtp_options)
    controller.start()
    try:
        yield LocalSmtp(HOST, port, recorder)
    finally:
        controller.stop()


@contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never says a word; yields the port."""
    with socket.socket() as listener:
        listener.bind((HOST, 0))
        listener.listen()
        yield listener.getsockname()[1]


@contextmanager
def one_line_server(line: bytes) -> Iterator[int]:
    """A port whose server says `line` to each connection, then hangs up; yields the port."""
    listener = socket.socket()
    listener.bind((HOST, 0))
    listener.listen()

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.sendall(line)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        with suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() at once on Linux
        listener.close()
        thread.join(timeout=1)


@dataclass(frozen=True)
class Certificate:
    cert_path: Path
    key_path: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_path, self.key_path)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts this certificate (and only it)."""
        return ssl.create_default_context(cafile=str(self.cert_path))


def self_signed_certificate(folder: Path) -> Certificate:
    """A certificate for 127.0.0.1, signed by itself, written to `folder`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Dossier test mail server")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return Certificate(cert_path, key_path)
