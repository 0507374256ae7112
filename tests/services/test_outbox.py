"""`send_to_contact` against a real database and real SMTP servers: what is sent, what is refused before
sending, and that History gets exactly one `email.sent` event only when the server accepted the email."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session

from services.mailer import MailError
from services.outbox import (
    Draft,
    EmptyPlaceholders,
    MailBlocked,
    MailNotConfigured,
    NotRecorded,
    UnknownPlaceholders,
    default_sender,
    send_to_contact,
)
from store.models import DoNotContact, Event
from store.settings import SmtpSettings
from tests.faults import refuse_inserts
from tests.local_smtp import HOST, LocalSmtp, Recorder, authenticator, free_port, one_line_server, silent_server
from tests.local_smtp import smtp_server as local_smtp_server

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")
DRAFT = Draft(
    subject="Hello {firstname}",
    body_text="Hi {contactfield=firstname},\n\nYour plan: {plan}.\n\n{owner}",
    from_name="Sam Seller",
    from_address="sam@example.com",
)


@pytest.fixture
def smtp_server() -> Iterator[LocalSmtp]:
    with local_smtp_server() as server:
        yield server


def settings_for(port: int, **overrides) -> SmtpSettings:
    return SmtpSettings(**({"host": HOST, "port": port, "security": "none", "timeout": 1.0} | overrides))


@pytest.fixture
def ada(engine: Engine, make_contact) -> int:
    return make_contact(
        engine,
        firstname="Siobhán",
        lastname="O'Brien",
        email="siobhan@example.com",
        owner="Sam Seller",
        custom_fields={"plan": "Gold"},
    )


def sent_events(engine: Engine, contact_id: int) -> list[Event]:
    with Session(engine) as session:
        query = select(Event).where(Event.contact_id == contact_id, Event.type == "email.sent")
        return list(session.exec(query).scalars())


def send(engine: Engine, contact_id: int, port: int, draft: Draft = DRAFT, **kwargs):
    if "smtp" not in kwargs:
        kwargs["smtp"] = settings_for(port)
    kwargs.setdefault("password", "")
    return send_to_contact(engine, contact_id, draft=draft, actor="sam", now=NOW, **kwargs)


def test_the_email_arrives_filled_and_is_recorded_once(engine: Engine, ada: int, smtp_server: LocalSmtp) -> None:
    result = send(engine, ada, smtp_server.port)
    [received] = smtp_server.received
    message = received.message
    assert received.rcpt_tos == ["siobhan@example.com"]
    assert str(message["To"]) == "Siobhán O'Brien <siobhan@example.com>"
    assert str(message["From"]) == "Sam Seller <sam@example.com>"
    assert message["Subject"] == "Hello Siobhán"
    assert message.get_content().replace("\r\n", "\n") == "Hi Siobhán,\n\nYour plan: Gold.\n\nSam Seller\n"
    [event] = sent_events(engine, ada)
    assert event.label == "Email sent: Hello Siobhán"
    assert event.actor == "sam"
    assert event.details == {
        "subject": "Hello Siobhán",
        "from": "Sam Seller <sam@example.com>",
        "to": "siobhan@example.com",
        "message_id": result.message_id,
        "tracking": "sent directly (not tracked)",
    }
    assert message["Message-ID"] == result.message_id


def test_an_html_template_sends_both_parts_with_escaped_values(
    engine: Engine, make_contact, smtp_server: LocalSmtp
) -> None:
    eve = make_contact(engine, firstname="<b>Eve</b> & co", email="eve@example.com")
    draft = Draft(
        subject="Hi {firstname}",
        body_text="Hi {firstname}",
        body_html="<p>Hi {firstname}</p>",
        from_address="sam@example.com",
        reply_to="help@example.com",
    )
    send(engine, eve, smtp_server.port, draft)
    message = smtp_server.received[0].message
    text_part, html_part = message.iter_parts()
    assert text_part.get_content().strip() == "Hi <b>Eve</b> & co"
    assert html_part.get_content().strip() == "<p>Hi &lt;b&gt;Eve&lt;/b&gt; &amp; co</p>"
    assert message["Subject"] == "Hi <b>Eve</b> & co"
    assert message["Reply-To"] == "help@example.com"


# Refused before anything is sent


def test_no_email_address_cannot_be_overridden(engine: Engine, make_contact, smtp_server: LocalSmtp) -> None:
    nobody = make_contact(engine, firstname="Nobody")
    with pytest.raises(MailBlocked, match=r"^This contact has no email address\.$") as info:
        send(engine, nobody, smtp_server.port, override_dnc=True)
    assert info.value.can_override is False
    assert smtp_server.received == []


def test_do_not_contact_blocks_unless_overridden(engine: Engine, ada: int, smtp_server: LocalSmtp) -> None:
    with Session(engine) as session:
        session.add(DoNotContact(contact_id=ada, channel="email", reason="unsubscribed"))
        session.commit()
    with pytest.raises(MailBlocked) as info:
        send(engine, ada, smtp_server.port)
    assert str(info.value) == "This contact is marked do not contact for email (unsubscribed)."
    assert info.value.can_override is True
    assert (smtp_server.received, sent_events(engine, ada)) == ([], [])
    send(engine, ada, smtp_server.port, override_dnc=True)
    assert len(smtp_server.received) == len(sent_events(engine, ada)) == 1


def test_smtp_not_configured_names_what_is_missing_and_where(engine: Engine, ada: int, tmp_path: Path) -> None:
    config = tmp_path / "no-such-config.toml"  # tests/conftest.py points DOSSIER_CONFIG there
    with pytest.raises(MailNotConfigured) as info:
        send(engine, ada, 0, smtp=SmtpSettings())
    assert str(info.value) == (
        f"SMTP is not configured: set smtp.host in {config} (no such file yet), "
        "or DOSSIER_SMTP__HOST in the environment."
    )
    config.write_text("[user]\nname = 'sam'\n")
    with pytest.raises(MailNotConfigured) as info:
        send(engine, ada, 0, smtp=SmtpSettings(), draft=replace(DRAFT, from_address=""))
    assert str(info.value) == (
        f"SMTP is not configured: set smtp.host and smtp.from_address in {config}, "
        "or DOSSIER_SMTP__HOST, DOSSIER_SMTP__FROM_ADDRESS in the environment."
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"from_address": ""},
            "There is no From address: enter one, or set smtp.from_address in ",
        ),
        ({"from_address": "sam@"}, "The From address 'sam@' is not valid: "),
        ({"reply_to": "help"}, "The Reply-To address 'help' is not valid: "),
        ({"subject": "  "}, "The subject is empty; write one before sending."),
        ({"body_text": "\n \n"}, "The message is empty; write some text before sending."),
    ],
)
def test_an_incomplete_draft(engine: Engine, ada: int, smtp_server: LocalSmtp, changes: dict, message: str) -> None:
    draft = Draft(**{**{name: getattr(DRAFT, name) for name in Draft.__dataclass_fields__}, **changes})
    with pytest.raises(MailError) as info:
        send(engine, ada, smtp_server.port, draft)
    assert str(info.value).startswith(message)
    assert (smtp_server.received, sent_events(engine, ada)) == ([], [])


def test_an_invalid_contact_address(engine: Engine, make_contact, smtp_server: LocalSmtp) -> None:
    odd = make_contact(engine, firstname="Odd", email="odd@@example.com")
    with pytest.raises(MailError, match=r"^The contact's email address 'odd@@example\.com' is not valid: "):
        send(engine, odd, smtp_server.port)


def test_unknown_placeholders_are_refused_unless_allowed(engine: Engine, ada: int, smtp_server: LocalSmtp) -> None:
    draft = Draft(subject="Hi {firstname}", body_text="{unsubscribe_url} {shoe}", from_address="sam@example.com")
    with pytest.raises(UnknownPlaceholders) as info:
        send(engine, ada, smtp_server.port, draft)
    assert info.value.placeholders == ["{unsubscribe_url}", "{shoe}"]
    assert str(info.value) == "No contact field fills these placeholders: {unsubscribe_url}, {shoe}."
    assert smtp_server.received == []
    send(engine, ada, smtp_server.port, draft, allow_unknown=True)
    assert smtp_server.received[0].message.get_content().strip() == "{unsubscribe_url} {shoe}"


def test_empty_placeholders_are_refused_unless_allowed(engine: Engine, make_contact, smtp_server: LocalSmtp) -> None:
    no_owner = make_contact(engine, firstname="Ada", email="ada@example.com")
    draft = Draft(subject="Hi {firstname}", body_text="Owner: {owner}. {city|Here}.", from_address="s@example.com")
    with pytest.raises(EmptyPlaceholders) as info:
        send(engine, no_owner, smtp_server.port, draft)
    assert str(info.value) == "{owner} is empty for this contact."
    assert (smtp_server.received, sent_events(engine, no_owner)) == ([], [])
    send(engine, no_owner, smtp_server.port, draft, allow_empty=True)
    assert smtp_server.received[0].message.get_content().strip() == "Owner: . Here."


# Failures of the server: one sentence, nothing recorded


@contextmanager
def nothing_listening() -> Iterator[int]:
    yield free_port()


@contextmanager
def replying(**replies: str) -> Iterator[int]:
    with local_smtp_server(Recorder(**replies)) as server:
        yield server.port


@contextmanager
def refusing_the_login() -> Iterator[int]:
    recorder = Recorder()
    check = authenticator("someone-else", "other", recorder)
    with local_smtp_server(recorder, auth_required=True, auth_require_tls=False, authenticator=check) as server:
        yield server.port


# Each failure: a server, what the sentence says, and the login user ("" sends without logging in).
FAILURES: dict[str, tuple[Callable[[], AbstractContextManager[int]], str, str]] = {
    "nothing listening": (nothing_listening, "refused the connection", ""),
    "550 recipient": (
        lambda: replying(rcpt_reply="550 5.1.1 User unknown"),
        "refused the recipient siobhan@example.com (550 5.1.1 User unknown)",
        "",
    ),
    "421 on connect": (lambda: one_line_server(b"421 Too busy\r\n"), "would not start a session: 421 Too busy.", ""),
    "421 on MAIL": (lambda: replying(mail_reply="421 4.3.2 Shutting down"), "421 4.3.2 Shutting down.", ""),
    "535 login": (
        refusing_the_login,
        "refused the login for 'sam' (535 5.7.8 Authentication credentials invalid)",
        "sam",
    ),
    "silence": (silent_server, "did not answer within 0.3 seconds.", "sam"),
}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_send_explains_and_records_nothing(engine: Engine, ada: int, failure: str) -> None:
    server, expected, user = FAILURES[failure]
    with server() as port, pytest.raises(MailError) as info:
        send(engine, ada, port, smtp=settings_for(port, user=user, timeout=0.3), password="pw-hunter2")
    message = str(info.value)
    assert expected in message
    assert "\n" not in message and message.endswith(".")
    assert "hunter2" not in message
    assert sent_events(engine, ada) == []


def test_sent_but_not_recorded(engine: Engine, ada: int, smtp_server: LocalSmtp) -> None:
    # A trigger makes the database refuse the event as a locked one would, once the email is out.
    with engine.begin() as conn:
        refuse_inserts(conn, "event", "database is locked")
    with pytest.raises(NotRecorded) as info:
        send(engine, ada, smtp_server.port)
    assert str(info.value) == (
        "The email was sent, but it could not be recorded in History: "
        "The database is busy (another program is writing to it); try again in a moment."
    )
    assert info.value.result.recipients == ("siobhan@example.com",)
    assert len(smtp_server.received) == 1


# The sender a draft starts with


@pytest.mark.parametrize(
    ("use_owner", "owner", "expected"),
    [
        (False, "Alice Martin", ("Team", "team@example.com")),
        (True, "", ("Team", "team@example.com")),
        (True, "Alice Martin", ("Alice Martin", "team@example.com")),
        (True, "Alice Martin <alice@example.com>", ("Alice Martin", "alice@example.com")),
        (True, "alice@example.com", ("Team", "alice@example.com")),
    ],
)
def test_default_sender(use_owner: bool, owner: str, expected: tuple[str, str]) -> None:
    smtp = SmtpSettings(from_name="Team", from_address="team@example.com", use_owner_as_sender=use_owner)
    assert default_sender(smtp, owner=owner) == expected
