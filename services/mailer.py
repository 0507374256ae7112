"""Email over SMTP: build a proper MIME message, check addresses, and send through the configured server.

Every failure a user can meet (a server that is down, silent, refuses the login, the sender or the
recipient, or a TLS problem) raises `MailError` with one sentence that quotes the server's reply. The
password never appears in a message.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, make_msgid
from typing import Protocol

from plain.errors import UserError
from plain.literal import without_controls
from services.loopback import is_loopback


class MailError(UserError):
    """An email could not be checked or sent; the message is one sentence for the user."""


class SmtpConfig(Protocol):
    """What sending needs from the settings (`store.settings.SmtpSettings` fits)."""

    host: str
    port: int
    user: str
    timeout: float

    @property
    def security(self) -> str:
        """One of "none", "starttls" and "tls"; read-only here, so the settings' `Literal` of them fits."""


@dataclass(frozen=True, slots=True)
class SendResult:
    """An email the server accepted."""

    message_id: str
    sender: str
    recipients: tuple[str, ...]
    subject: str


def _one_line(text: str) -> str:
    # A line break in a header would end it (or start a forged one): fold every run of whitespace. Other
    # control and direction characters (ESC, NUL, U+202E) would reach the reader's mail client: removed.
    return " ".join(without_controls(" ".join(text.split())).split())


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def validate_address(text: str, *, what: str = "The email address") -> str:
    """The address in normal form (domain in ASCII when it can be), checked without any DNS lookup.

    `what` names the address in the error, e.g. "The From address". Raises `MailError`.
    """
    from email_validator import EmailNotValidError, validate_email

    text = text.strip()
    if not text:
        raise MailError(f"{what} is empty.")
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise MailError(f"{what} {text!r} is not valid: {_sentence(str(exc))}") from None
    return result.ascii_email or result.normalized


def _address(name: str, address: str) -> Address | str:
    try:
        return Address(display_name=_one_line(name), addr_spec=address)
    except ValueError:
        # `Address` refuses a non-ASCII local part. As text it travels with SMTPUTF8, which smtplib asks
        # the server for (and fails clearly without) when it sees such an address; the header policy encodes
        # or folds the quoted name as the message needs, however long it is.
        name = _one_line(name)
        if not name:
            return address
        escaped = name.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}" <{address}>'


def build_message(
    *,
    from_name: str,
    from_address: str,
    to_name: str,
    to_address: str,
    reply_to: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    now: datetime,
    domain: str,
) -> EmailMessage:
    """A UTF-8 MIME message: a text/plain part, or multipart/alternative (text first, then HTML) when HTML
    is given, with Date and a new Message-ID under `domain`. Non-ASCII names and subjects are encoded."""
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = _address(from_name, from_address)
    message["To"] = _address(to_name, to_address)
    if not (from_address.isascii() and to_address.isascii()):
        # Sent with SMTPUTF8, where Python's folding of a long quoted name drops its quotes (a comma in the
        # name would then split the address in two): such headers stay on one line, as RFC 5322 allows.
        message.policy = SMTP_POLICY.clone(max_line_length=998)
    if reply_to.strip():
        message["Reply-To"] = _address("", reply_to.strip())
    message["Subject"] = _one_line(subject)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(body_text, charset="utf-8")
    if body_html is not None:
        message.add_alternative(body_html, subtype="html", charset="utf-8")
    return message


def send_message(
    message: EmailMessage, settings: SmtpConfig, password: str, *, context: ssl.SSLContext | None = None
) -> SendResult:
    """Send through the server in `settings`: implicit TLS, STARTTLS or plain as configured, logging in when
    a user is set, every step bounded by `settings.timeout`. `context` replaces the default TLS checks.

    Raises `MailError` with one sentence for every failure.
    """
    where = f"{settings.host}:{settings.port}"
    try:
        with _session(settings, password, context) as smtp:
            refused = smtp.send_message(message)
    except MailError:
        raise
    except Exception as exc:
        raise MailError(_scrub(_explain(exc, settings, where, password), password)) from None
    recipients = tuple(addr for addr in _recipients(message) if addr not in refused)
    return SendResult(
        message_id=message["Message-ID"],
        sender=str(message["From"]),
        recipients=recipients,
        subject=str(message["Subject"] or ""),
    )


def _recipients(message: EmailMessage) -> list[str]:
    return [address.addr_spec for name in ("To", "Cc") for address in getattr(message[name], "addresses", ())]


@contextmanager
def _session(settings: SmtpConfig, password: str, context: ssl.SSLContext | None) -> Iterator[smtplib.SMTP]:
    if settings.user and settings.security == "none" and not is_loopback(settings.host):
        raise MailError(
            f"Dossier will not send the password for {settings.user!r} unencrypted to {settings.host}; "
            "set smtp.security to starttls or tls."
        )
    context = context or ssl.create_default_context()
    if settings.security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        smtp.ehlo_or_helo_if_needed()
        if settings.security == "starttls":
            if not smtp.has_extn("starttls"):
                raise MailError(
                    f"The mail server {settings.host}:{settings.port} does not offer STARTTLS; "
                    "set smtp.security to tls (usually port 465) or none."
                )
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.user:
            if not smtp.has_extn("auth"):
                raise MailError(
                    f"The mail server {settings.host}:{settings.port} does not accept a login here; "
                    "clear smtp.user, or set smtp.security to starttls or tls."
                )
            smtp.login(settings.user, password)
        yield smtp
    finally:
        with suppress(smtplib.SMTPException, OSError):
            smtp.quit()
        smtp.close()


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return _one_line(f"{code} {text}")


def _explain(exc: BaseException, settings: SmtpConfig, where: str, password: str) -> str:
    """One sentence for a failure while talking to the server."""
    server = f"The mail server {where}"
    match exc:
        case smtplib.SMTPAuthenticationError(smtp_code=code, smtp_error=text):
            unset = "; no password is set (DOSSIER_SMTP__PASSWORD or the keyring)" if not password else ""
            return f"{server} refused the login for {settings.user!r} ({_reply(code, text)}){unset}."
        case smtplib.SMTPRecipientsRefused(recipients=refused):
            parts = [f"{address} ({_reply(code, text)})" for address, (code, text) in refused.items()]
            return f"{server} refused the recipient {', '.join(parts)}."
        case smtplib.SMTPSenderRefused(smtp_code=530, smtp_error=text):
            hint = "check smtp.user, the password and smtp.security"
            return f"{server} will not send before you log in or secure the connection ({_reply(530, text)}); {hint}."
        case smtplib.SMTPSenderRefused(smtp_code=code, smtp_error=text, sender=sender):
            return f"{server} refused the sender {sender}: {_sentence(_reply(code, text))}"
        case smtplib.SMTPDataError(smtp_code=code, smtp_error=text):
            return f"{server} refused the message: {_sentence(_reply(code, text))}"
        case (
            smtplib.SMTPConnectError(smtp_code=code, smtp_error=text)
            | smtplib.SMTPHeloError(smtp_code=code, smtp_error=text)
        ):
            return f"{server} would not start a session: {_sentence(_reply(code, text))}"
        case smtplib.SMTPNotSupportedError():
            return f"{server} does not support what this email needs: {_sentence(str(exc))}"
        case smtplib.SMTPResponseException(smtp_code=code, smtp_error=text):
            return f"{server} answered with an error: {_sentence(_reply(code, text))}"
        case smtplib.SMTPServerDisconnected() if isinstance(exc.__context__, TimeoutError):
            # smtplib turns a read that timed out into "disconnected"; the timeout is the real story.
            return f"{server} did not answer within {settings.timeout:g} seconds."
        case smtplib.SMTPServerDisconnected():
            return f"{server} closed the connection unexpectedly; try again later."
        case ssl.SSLCertVerificationError():
            reason = _one_line(exc.verify_message or str(exc))
            return f"{server} presented a certificate that cannot be trusted ({reason}); check smtp.host."
        case ssl.SSLError():
            reason = (exc.reason or "").replace("_", " ").lower() or _one_line(str(exc))
            hint = "check smtp.security: tls is for port 465, starttls for port 587"
            return f"The secure connection to {where} failed ({reason}); {hint}."
        case ConnectionRefusedError():
            return f"{server} refused the connection; check smtp.host and smtp.port, and that the server is running."
        case TimeoutError():
            return f"{server} did not answer within {settings.timeout:g} seconds."
        case socket.gaierror():
            return f"The mail server name {settings.host!r} could not be found ({exc.strerror})."
        case OSError():
            return f"Could not talk to the mail server {where}: {_sentence(exc.strerror or str(exc))}"
        case smtplib.SMTPException():
            return f"Sending failed: {_sentence(str(exc))}"
    return f"Sending failed: {_sentence(f'{type(exc).__name__}: {exc}')}"


def _scrub(text: str, password: str) -> str:
    return text.replace(password, "********") if password else text
