"""The mailer against real SMTP servers on 127.0.0.1: the message that arrives, and every failure as one
sentence quoting the server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.utils import getaddresses, parsedate_to_datetime

import pytest

from services.mailer import MailError, build_message, send_message, validate_address
from tests.local_smtp import (
    HOST,
    Certificate,
    LocalSmtp,
    Recorder,
    authenticator,
    free_port,
    one_line_server,
    self_signed_certificate,
    silent_server,
    smtp_server,
)

NOW = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
SUBJECT = "Grüße aus Zürich — 10 % off ☕"
BODY = "Hallo Siobhán,\n\nDanke für das Gespräch. 山田さんにもよろしく。\n"
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")


@dataclass
class Smtp:
    """The settings the mailer reads, as `store.settings.SmtpSettings` has them."""

    host: str
    port: int
    security: str = "none"
    user: str = ""
    timeout: float = 1.0


def message(**overrides):
    fields = {
        "from_name": "José Núñez",
        "from_address": "jose@example.com",
        "to_name": "山田 太郎",
        "to_address": "taro@example.com",
        "reply_to": "",
        "subject": SUBJECT,
        "body_text": BODY,
        "now": NOW,
        "domain": "example.com",
    }
    return build_message(**(fields | overrides))


def content(part) -> str:
    """A part's decoded text with the wire's CRLF line ends as written."""
    return part.get_content().replace("\r\n", "\n")


def assert_one_sentence(text: str) -> None:
    assert "\n" not in text
    assert text.endswith(".")
    assert not text.endswith("..")


@pytest.fixture
def server() -> Iterator[LocalSmtp]:
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    pytest.importorskip("cryptography")
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


def send_and_fail(smtp: Smtp, password: str = "", **kwargs) -> str:
    with pytest.raises(MailError) as info:
        send_message(message(), smtp, password, **kwargs)
    text = str(info.value)
    assert_one_sentence(text)
    return text


# What arrives


def test_a_plain_text_email_arrives_with_every_header(server: LocalSmtp) -> None:
    result = send_message(message(reply_to="help@example.com"), Smtp(server.host, server.port), "")
    [received] = server.received
    assert received.mail_from == "jose@example.com"
    assert received.rcpt_tos == ["taro@example.com"]
    raw_headers = received.content.split(b"\r\n\r\n", 1)[0]
    assert raw_headers.isascii()  # non-ASCII names and subject travel as encoded words
    assert b"From: =?utf-8?" in raw_headers
    assert b"Subject: =?utf-8?" in raw_headers
    parsed = received.message
    assert (parsed["From"].addresses[0].display_name, parsed["From"].addresses[0].addr_spec) == (
        "José Núñez",
        "jose@example.com",
    )
    assert (parsed["To"].addresses[0].display_name, parsed["To"].addresses[0].addr_spec) == (
        "山田 太郎",
        "taro@example.com",
    )
    assert parsed["Reply-To"] == "help@example.com"
    assert parsed["Subject"] == SUBJECT
    assert parsedate_to_datetime(parsed["Date"]) == NOW
    assert parsed["Message-ID"].startswith("<") and parsed["Message-ID"].endswith("@example.com>")
    assert parsed["Message-ID"] == result.message_id
    assert parsed.get_content_type() == "text/plain"
    assert parsed.get_content_charset() == "utf-8"
    assert content(parsed) == BODY
    assert result.recipients == ("taro@example.com",)
    assert result.sender == "José Núñez <jose@example.com>"
    assert result.subject == SUBJECT


def test_an_html_email_has_a_text_part_first_then_the_html(server: LocalSmtp) -> None:
    html = "<p>Hallo <b>Siobhán</b> ☕</p>"
    send_message(message(body_html=html), Smtp(server.host, server.port), "")
    parsed = server.received[0].message
    assert parsed.get_content_type() == "multipart/alternative"
    text_part, html_part = parsed.iter_parts()
    assert (text_part.get_content_type(), content(text_part)) == ("text/plain", BODY)
    assert (html_part.get_content_type(), content(html_part).strip()) == ("text/html", html)
    assert html_part.get_content_charset() == "utf-8"


def test_no_reply_to_header_unless_one_is_given(server: LocalSmtp) -> None:
    send_message(message(), Smtp(server.host, server.port), "")
    assert server.received[0].message["Reply-To"] is None


def test_line_breaks_in_names_and_subject_cannot_forge_headers(server: LocalSmtp) -> None:
    sneaky = message(subject="Hello\r\nBcc: victim@example.com", to_name="Eve\nBcc: x@example.com")
    send_message(sneaky, Smtp(server.host, server.port), "")
    parsed = server.received[0].message
    assert parsed["Bcc"] is None
    assert parsed["Subject"] == "Hello Bcc: victim@example.com"


def test_control_characters_never_reach_a_header(server: LocalSmtp) -> None:
    hostile = "\x1b]0;pwned\x07 \x1b[2J \x00 \x9b31m \u202egnp.exe"
    send_message(message(subject=f"Hi {hostile}", to_name=f"Eve {hostile}"), Smtp(server.host, server.port), "")
    raw_headers = server.received[0].content.split(b"\r\n\r\n", 1)[0].decode()
    assert not [c for c in raw_headers if ord(c) < 0x20 and c not in "\r\n"]
    parsed = server.received[0].message
    assert parsed["Subject"] == "Hi ]0;pwned [2J 31m gnp.exe"
    assert parsed["To"].addresses[0].display_name == "Eve ]0;pwned [2J 31m gnp.exe"


@pytest.mark.parametrize("address", ["jose@example.com", "jürgen@example.com"])
def test_a_long_non_ascii_display_name_is_sent(address: str) -> None:
    name = "Jörg Müller-Lüdenscheidt, Großunternehmensberatung für Straßenbahnwesen GmbH & Söhne"
    with smtp_server(enable_SMTPUTF8=True) as server:
        send_message(message(from_name=name, from_address=address), Smtp(server.host, server.port), "")
        raw = server.received[0].content.decode("utf-8").split("\r\n\r\n")[0].replace("\r\n ", " ")
    [sender] = [line.removeprefix("From: ") for line in raw.split("\r\n") if line.startswith("From: ")]
    # Decoded as RFC 2047 says (whitespace between adjacent encoded words is dropped), and still one address.
    assert str(make_header(decode_header(sender))) in (f'"{name}" <{address}>', f"{name} <{address}>")
    if not address.isascii():  # UTF-8 on the wire: the quoted name keeps its comma inside one address
        assert getaddresses([sender]) == [(name, address)]


def test_a_password_never_travels_unencrypted_off_this_machine() -> None:
    text = send_and_fail(Smtp("mail.example.com", 25, user="sam"), "s3cret")
    assert text == (
        "Dossier will not send the password for 'sam' unencrypted to mail.example.com; "
        "set smtp.security to starttls or tls."
    )


def test_a_login_with_the_right_password(monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = Recorder()
    check = authenticator("sam", "s3cret", recorder)
    with smtp_server(recorder, auth_required=True, auth_require_tls=False, authenticator=check) as server:
        send_message(message(), Smtp(server.host, server.port, user="sam"), "s3cret")
    assert recorder.logins[-1] == ("sam", "s3cret")
    assert len(recorder.received) == 1


def test_starttls_with_a_trusted_certificate(certificate: Certificate) -> None:
    with smtp_server(tls_context=certificate.server_context(), require_starttls=True) as server:
        smtp = Smtp(server.host, server.port, security="starttls")
        send_message(message(), smtp, "", context=certificate.client_context())
        assert len(server.received) == 1


def test_implicit_tls_with_a_trusted_certificate(certificate: Certificate) -> None:
    with smtp_server(ssl_context=certificate.server_context()) as server:
        send_message(
            message(), Smtp(server.host, server.port, security="tls"), "", context=certificate.client_context()
        )
        assert len(server.received) == 1


# Failures, each one sentence


def test_nothing_listening() -> None:
    port = free_port()
    text = send_and_fail(Smtp(HOST, port))
    assert text == (
        f"The mail server {HOST}:{port} refused the connection; "
        "check smtp.host and smtp.port, and that the server is running."
    )


def test_a_rejected_recipient_quotes_the_server() -> None:
    reply = "550 5.1.1 <taro@example.com>: Recipient address rejected: User unknown"
    with smtp_server(Recorder(rcpt_reply=reply)) as server:
        text = send_and_fail(Smtp(server.host, server.port))
    assert text == f"The mail server {HOST}:{server.port} refused the recipient taro@example.com ({reply})."


def test_421_on_connect() -> None:
    with one_line_server(b"421 mx.example.com Too many connections, try again later\r\n") as port:
        text = send_and_fail(Smtp(HOST, port))
    assert text == (
        f"The mail server {HOST}:{port} would not start a session: "
        "421 mx.example.com Too many connections, try again later."
    )


def test_421_on_mail_from() -> None:
    with smtp_server(Recorder(mail_reply="421 4.3.2 Service shutting down")) as server:
        text = send_and_fail(Smtp(server.host, server.port))
    assert (
        text
        == f"The mail server {HOST}:{server.port} refused the sender jose@example.com: 421 4.3.2 Service shutting down."
    )


def test_a_message_refused_after_data() -> None:
    with smtp_server(Recorder(data_reply="554 5.7.1 Message rejected as spam")) as server:
        text = send_and_fail(Smtp(server.host, server.port))
    assert text.endswith("refused the message: 554 5.7.1 Message rejected as spam.")
    assert server.received == []


def test_535_on_login_never_shows_the_password() -> None:
    recorder = Recorder()
    check = authenticator("sam", "right", recorder)
    with smtp_server(recorder, auth_required=True, auth_require_tls=False, authenticator=check) as server:
        text = send_and_fail(Smtp(server.host, server.port, user="sam"), "wrong-hunter2")
    reply = "535 5.7.8 Authentication credentials invalid"
    assert text == f"The mail server {HOST}:{server.port} refused the login for 'sam' ({reply})."
    assert "hunter2" not in text
    assert recorder.received == []


def test_535_without_a_password_says_none_is_set() -> None:
    recorder = Recorder()
    check = authenticator("sam", "right", recorder)
    with smtp_server(recorder, auth_required=True, auth_require_tls=False, authenticator=check) as server:
        text = send_and_fail(Smtp(server.host, server.port, user="sam"), "")
    assert text.endswith("; no password is set (DOSSIER_SMTP__PASSWORD or the keyring).")


def test_a_server_that_wants_a_login_when_none_is_configured() -> None:
    recorder = Recorder()
    check = authenticator("sam", "right", recorder)
    with smtp_server(recorder, auth_required=True, auth_require_tls=False, authenticator=check) as server:
        text = send_and_fail(Smtp(server.host, server.port))
    assert "(530 5.7.0 Authentication required); check smtp.user, the password and smtp.security." in text


def test_a_login_where_the_server_offers_none(server: LocalSmtp) -> None:
    text = send_and_fail(Smtp(server.host, server.port, user="sam"), "pw")
    assert text == (
        f"The mail server {HOST}:{server.port} does not accept a login here; "
        "clear smtp.user, or set smtp.security to starttls or tls."
    )


def test_a_server_that_never_answers_times_out() -> None:
    with silent_server() as port:
        text = send_and_fail(Smtp(HOST, port, timeout=0.3))
    assert text == f"The mail server {HOST}:{port} did not answer within 0.3 seconds."


def test_starttls_asked_of_a_server_without_it(server: LocalSmtp) -> None:
    text = send_and_fail(Smtp(server.host, server.port, security="starttls"))
    assert "does not offer STARTTLS; set smtp.security to tls (usually port 465) or none." in text


def test_tls_asked_of_a_plain_server(server: LocalSmtp) -> None:
    text = send_and_fail(Smtp(server.host, server.port, security="tls"))
    assert text.startswith(f"The secure connection to {HOST}:{server.port} failed (")
    assert text.endswith("check smtp.security: tls is for port 465, starttls for port 587.")


def test_an_untrusted_certificate(certificate: Certificate) -> None:
    with smtp_server(tls_context=certificate.server_context()) as server:
        text = send_and_fail(Smtp(server.host, server.port, security="starttls"))
    assert text == (
        f"The mail server {HOST}:{server.port} presented a certificate that cannot be trusted "
        "(self-signed certificate); check smtp.host."
    )
    assert server.received == []


def test_an_international_address_needs_a_server_with_smtputf8() -> None:
    with (
        smtp_server(enable_SMTPUTF8=False) as server,
        pytest.raises(MailError, match="does not support what this email needs"),
    ):
        send_message(message(to_address="jürgen@example.com"), Smtp(server.host, server.port), "")
    with smtp_server(enable_SMTPUTF8=True) as server:
        send_message(message(to_address="jürgen@example.com"), Smtp(server.host, server.port), "")
        assert server.received[0].rcpt_tos == ["jürgen@example.com"]
        assert "SMTPUTF8" in server.received[0].mail_options


# Addresses


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("ada@example.com", "ada@example.com"),
        ("  Ada@Example.COM ", "Ada@example.com"),
        ("jose@bücher.example", "jose@xn--bcher-kva.example"),
        ("jürgen@example.com", "jürgen@example.com"),
    ],
)
def test_valid_addresses_in_normal_form(typed: str, normal: str) -> None:
    assert validate_address(typed) == normal


@pytest.mark.parametrize("typed", ["ada", "ada@", "@example.com", "ada@@example.com", "ada@example..com"])
def test_invalid_addresses_are_one_sentence(typed: str) -> None:
    with pytest.raises(MailError) as info:
        validate_address(typed, what="The From address")
    assert str(info.value).startswith(f"The From address {typed!r} is not valid: ")
    assert_one_sentence(str(info.value))


def test_an_empty_address() -> None:
    with pytest.raises(MailError, match=r"^The Reply-To address is empty\.$"):
        validate_address("  ", what="The Reply-To address")


def test_no_dns_lookup_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("validate_address looked up DNS")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    assert (
        validate_address("someone@no-such-domain-for-dossier.example") == "someone@no-such-domain-for-dossier.example"
    )


def test_message_id_uses_the_given_domain() -> None:
    assert message(domain="mail.example.org")["Message-ID"].endswith("@mail.example.org>")
