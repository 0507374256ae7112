"""`dossier email` end to end: the entry point, a real database and a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlmodel import Session

from cli.main import main
from store.models import DoNotContact, EmailTemplate, Event
from tests.local_smtp import HOST, LocalSmtp, Recorder, authenticator, smtp_server

pytestmark = [
    pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning"),
    pytest.mark.sqlite_only,  # the commands are the same on both databases; the store suite runs on PostgreSQL too
]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalSmtp]:
    """A local SMTP server the settings point at, as a user would configure it through the environment."""
    with smtp_server() as server:
        configure(monkeypatch, server.port)
        yield server


def configure(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    for name, value in {
        "HOST": HOST,
        "PORT": str(port),
        "SECURITY": "none",
        "TIMEOUT": "1",
        "FROM_NAME": "Sam Seller",
        "FROM_ADDRESS": "sam@example.com",
    }.items():
        monkeypatch.setenv(f"DOSSIER_SMTP__{name}", value)
    monkeypatch.setenv("DOSSIER_USER__NAME", "sam")


@pytest.fixture
def ada(engine: Engine, make_contact) -> int:
    return make_contact(engine, firstname="Ada", lastname="Lovelace", email="ada@example.com", owner="Alice Martin")


def email(db_path: Path, *args: str) -> int:
    return main(["email", *args, "--db", str(db_path)])


def sent_events(engine: Engine, contact_id: int) -> list[Event]:
    with Session(engine) as session:
        query = select(Event).where(Event.contact_id == contact_id, Event.type == "email.sent")
        return list(session.exec(query).scalars())


def add_template(engine: Engine, **fields) -> int:
    with Session(engine, expire_on_commit=False) as session:
        template = EmailTemplate(**fields)
        session.add(template)
        session.commit()
        return template.id  # type: ignore[return-value]


def test_send_with_a_body(engine: Engine, db_path: Path, ada: int, server: LocalSmtp, capsys) -> None:
    assert email(db_path, str(ada), "--subject", "Hello {firstname}", "--body", "Hi {firstname} ☕") == 0
    [received] = server.received
    message = received.message
    assert received.rcpt_tos == ["ada@example.com"]
    assert str(message["From"]) == "Sam Seller <sam@example.com>"
    assert message["Subject"] == "Hello Ada"
    assert message.get_content().strip() == "Hi Ada ☕"
    [event] = sent_events(engine, ada)
    assert (event.label, event.actor) == ("Email sent: Hello Ada", "sam")
    assert event.details["message_id"] == message["Message-ID"]
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err == f"Sent 'Hello Ada' to ada@example.com ({message['Message-ID']}).\n"


def test_send_a_template_by_name_to_a_contact_by_email(
    engine: Engine, db_path: Path, ada: int, server: LocalSmtp
) -> None:
    add_template(
        engine,
        name="Welcome",
        subject="Welcome, {contactfield=firstname}!",
        body_text="Hi {firstname},\n\nBest,\n{owner}",
        body_html="<p>Hi {firstname}</p>",
    )
    assert email(db_path, "ADA@example.com", "--template", "welcome") == 0
    message = server.received[0].message
    assert message["Subject"] == "Welcome, Ada!"
    text_part, html_part = message.iter_parts()
    assert text_part.get_content().replace("\r\n", "\n") == "Hi Ada,\n\nBest,\nAlice Martin\n"
    assert html_part.get_content().strip() == "<p>Hi Ada</p>"
    assert len(sent_events(engine, ada)) == 1


def test_the_subject_option_replaces_the_templates(engine: Engine, db_path: Path, ada: int, server: LocalSmtp) -> None:
    add_template(engine, name="Promo", subject="Template subject", body_text="Body")
    assert email(db_path, str(ada), "--template", "Promo", "--subject", "My own subject") == 0
    assert server.received[0].message["Subject"] == "My own subject"


def test_the_body_from_standard_input(
    db_path: Path, ada: int, server: LocalSmtp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("Line one\nLine two, {lastname}\n"))
    assert email(db_path, str(ada), "--subject", "Piped", "--body", "-") == 0
    assert server.received[0].message.get_content().replace("\r\n", "\n") == "Line one\nLine two, Lovelace\n"


def test_sender_and_reply_to_options(db_path: Path, ada: int, server: LocalSmtp) -> None:
    args = ["--subject", "S", "--body", "B", "--from", "grace@example.com", "--from-name", "Grace Hopper"]
    assert email(db_path, str(ada), *args, "--reply-to", "help@example.com") == 0
    message = server.received[0].message
    assert str(message["From"]) == "Grace Hopper <grace@example.com>"
    assert message["Reply-To"] == "help@example.com"
    assert server.received[0].mail_from == "grace@example.com"


def test_the_owner_as_sender(db_path: Path, ada: int, server: LocalSmtp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOSSIER_SMTP__USE_OWNER_AS_SENDER", "true")
    assert email(db_path, str(ada), "--subject", "S", "--body", "B") == 0
    assert str(server.received[0].message["From"]) == "Alice Martin <sam@example.com>"


def test_a_login_with_the_password_from_the_environment(
    engine: Engine, db_path: Path, ada: int, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    recorder = Recorder()
    check = authenticator("sam", "hunter2", recorder)
    with smtp_server(recorder, auth_required=True, auth_require_tls=False, authenticator=check) as server:
        configure(monkeypatch, server.port)
        monkeypatch.setenv("DOSSIER_SMTP__USER", "sam")
        monkeypatch.setenv("DOSSIER_SMTP__PASSWORD", "wrong-hunter3")
        assert email(db_path, str(ada), "--subject", "S", "--body", "B") == 1
        monkeypatch.setenv("DOSSIER_SMTP__PASSWORD", "hunter2")
        assert email(db_path, str(ada), "--subject", "S", "--body", "B") == 0
    assert recorder.logins[-1] == ("sam", "hunter2")
    assert len(sent_events(engine, ada)) == 1
    assert "hunter" not in capsys.readouterr().err


# Errors: one line, exit code 1, nothing recorded


def assert_refused(capsys, expected: str) -> None:
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err == f"dossier: {expected}\n"


def test_an_unknown_contact(db_path: Path, engine: Engine, server: LocalSmtp, capsys) -> None:
    assert email(db_path, "404", "--subject", "S", "--body", "B") == 1
    assert_refused(capsys, "No contact has the id 404.")


def test_an_unknown_template(db_path: Path, ada: int, server: LocalSmtp, capsys) -> None:
    assert email(db_path, str(ada), "--template", "Nope") == 1
    assert_refused(capsys, "No email template is named 'Nope'.")


def test_smtp_not_configured(db_path: Path, engine: Engine, ada: int, capsys) -> None:
    assert email(db_path, str(ada), "--subject", "S", "--body", "B") == 1
    err = capsys.readouterr().err
    assert err.startswith("dossier: SMTP is not configured: set smtp.host and smtp.from_address in ")
    assert sent_events(engine, ada) == []


def test_do_not_contact_needs_force(engine: Engine, db_path: Path, ada: int, server: LocalSmtp, capsys) -> None:
    with Session(engine) as session:
        session.add(DoNotContact(contact_id=ada, channel="email", reason="bounced"))
        session.commit()
    assert email(db_path, str(ada), "--subject", "S", "--body", "B") == 1
    assert_refused(capsys, "This contact is marked do not contact for email (bounced).")
    assert sent_events(engine, ada) == []
    assert email(db_path, str(ada), "--subject", "S", "--body", "B", "--force-dnc") == 0
    assert len(sent_events(engine, ada)) == 1


def test_no_email_address(engine: Engine, db_path: Path, make_contact, server: LocalSmtp, capsys) -> None:
    nobody = make_contact(engine, firstname="Nobody")
    assert email(db_path, str(nobody), "--subject", "S", "--body", "B", "--force-dnc") == 1
    assert_refused(capsys, "This contact has no email address.")


def test_unknown_placeholders(engine: Engine, db_path: Path, ada: int, server: LocalSmtp, capsys) -> None:
    assert email(db_path, str(ada), "--subject", "S", "--body", "{unsubscribe_url}") == 1
    assert_refused(
        capsys,
        "No contact field fills these placeholders: {unsubscribe_url}; pass --allow-unknown to send them as written.",
    )
    assert email(db_path, str(ada), "--subject", "S", "--body", "{unsubscribe_url}", "--allow-unknown") == 0
    assert len(sent_events(engine, ada)) == 1


def test_empty_placeholders(engine: Engine, db_path: Path, make_contact, server: LocalSmtp, capsys) -> None:
    no_owner = make_contact(engine, firstname="Ada", email="ada@example.com")
    body = "Your account manager: {contactfield=owner}. Call {phone}."
    assert email(db_path, str(no_owner), "--subject", "S", "--body", body) == 1
    assert_refused(
        capsys,
        "{contactfield=owner} and {phone} are empty for this contact; give a default ({contactfield=owner|…}) "
        "or pass --allow-empty to send them empty.",
    )
    assert sent_events(engine, no_owner) == []
    assert email(db_path, str(no_owner), "--subject", "S", "--body", "{owner|Sam}, {phone|us}") == 0
    assert email(db_path, str(no_owner), "--subject", "S", "--body", body, "--allow-empty") == 0
    assert [message.message.get_content().strip() for message in server.received] == [
        "Sam, us",
        "Your account manager: . Call .",
    ]


def test_a_subject_is_needed(db_path: Path, ada: int, server: LocalSmtp, capsys) -> None:
    assert email(db_path, str(ada), "--body", "B") == 1
    assert_refused(capsys, "The subject is empty; write one before sending.")


def test_a_server_that_refuses_the_recipient(
    engine: Engine, db_path: Path, ada: int, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    with smtp_server(Recorder(rcpt_reply="550 5.1.1 User unknown")) as server:
        configure(monkeypatch, server.port)
        assert email(db_path, str(ada), "--subject", "S", "--body", "B") == 1
    assert_refused(
        capsys, f"The mail server {HOST}:{server.port} refused the recipient ada@example.com (550 5.1.1 User unknown)."
    )
    assert sent_events(engine, ada) == []


def test_body_or_template_is_required(db_path: Path, ada: int, capsys) -> None:
    with pytest.raises(SystemExit) as info:
        email(db_path, str(ada), "--subject", "S")
    assert info.value.code == 2
    assert "one of the arguments --body --template is required" in capsys.readouterr().err


def test_sent_but_not_recorded_still_exits_0(
    engine: Engine, db_path: Path, ada: int, server: LocalSmtp, capsys
) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("CREATE TRIGGER refuse BEFORE INSERT ON event BEGIN SELECT RAISE(ABORT, 'database is locked'); END")
        )
    assert email(db_path, str(ada), "--subject", "S", "--body", "B") == 0
    err = capsys.readouterr().err
    assert err.startswith("dossier: warning: The email was sent, but it could not be recorded in History: ")
    assert len(server.received) == 1
