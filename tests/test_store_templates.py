"""Email templates, placeholders, who may be emailed, and the `email.sent` History event."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session

from store.contacts import ContactNotFound
from store.models import DoNotContact, EmailTemplate, Event
from store.templates import (
    NO_EMAIL_ADDRESS,
    TemplateNotFound,
    contact_fields,
    email_block_reason,
    empty_placeholders,
    fill_placeholders,
    find_template,
    get_template,
    list_templates,
    record_sent_email,
    with_default,
)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def add_templates(engine: Engine, *templates: dict) -> list[int]:
    with Session(engine, expire_on_commit=False) as session:
        rows = [EmailTemplate(**fields) for fields in templates]
        session.add_all(rows)
        session.commit()
        return [row.id for row in rows]  # type: ignore[misc]


def add_dnc(engine: Engine, contact_id: int, channel: str = "email", reason: str = "unsubscribed") -> None:
    with Session(engine) as session:
        session.add(DoNotContact(contact_id=contact_id, channel=channel, reason=reason))
        session.commit()


# Templates


def test_list_templates_by_name_and_filtered(engine: Engine) -> None:
    add_templates(
        engine,
        {"name": "Welcome", "subject": "Welcome, {firstname}!"},
        {"name": "Über uns", "subject": "Who we are"},
        {"name": "autumn sale", "subject": "40% off until Monday"},
    )
    assert [t.name for t in list_templates(engine)] == ["autumn sale", "Über uns", "Welcome"]
    assert [t.name for t in list_templates(engine, "uber")] == ["Über uns"]  # accents and case ignored
    assert [t.name for t in list_templates(engine, "  WELCOME ")] == ["Welcome"]
    assert [t.name for t in list_templates(engine, "who")] == ["Über uns"]  # the subject counts too
    assert [t.name for t in list_templates(engine, "40%")] == ["autumn sale"]
    assert list_templates(engine, "ber_uns") == []  # % and _ are literal, not LIKE wildcards
    assert [t.name for t in list_templates(engine, "%")] == ["autumn sale"]
    assert list_templates(engine, "nothing like it") == []


def test_get_and_find_templates(engine: Engine) -> None:
    welcome, html = add_templates(
        engine,
        {"name": "Welcome", "subject": "Hi", "body_text": "Hello"},
        {"name": "Newsletter", "subject": "News", "body_text": "Text", "body_html": "<p>HTML</p>"},
    )
    assert get_template(engine, html).body_html == "<p>HTML</p>"
    assert get_template(engine, welcome).body_html is None
    assert find_template(engine, "welcome").id == welcome
    assert find_template(engine, " Newsletter ").id == html
    assert find_template(engine, str(html)).id == html  # an id, when no template has that name
    with pytest.raises(TemplateNotFound, match=r"^No email template is named 'Nope'\.$"):
        find_template(engine, "Nope")
    with pytest.raises(TemplateNotFound, match=r"^No email template has the id 999\.$"):
        get_template(engine, 999)
    with pytest.raises(TemplateNotFound):
        find_template(engine, "99999999999999999999999")


def test_find_prefers_the_exact_name(engine: Engine) -> None:
    _lower, exact = add_templates(engine, {"name": "promo"}, {"name": "Promo"})
    assert find_template(engine, "Promo").id == exact


# Placeholders


FIELDS = {"firstname": "Siobhán", "lastname": "O'Brien", "company": "", "plan": "Gold", "owner": "Sam & Co"}


@pytest.mark.parametrize(
    ("text", "filled"),
    [
        ("Hi {firstname}!", "Hi Siobhán!"),
        ("Hi {contactfield=firstname} {contactfield=lastname}", "Hi Siobhán O'Brien"),
        ("Hi {FirstName}", "Hi Siobhán"),
        ("At {contactfield=company|your company}", "At your company"),
        ("Hi {contactfield=firstname|there}", "Hi Siobhán"),
        ("At {company}.", "At ."),
        ("Plan: {plan}", "Plan: Gold"),
        ("No placeholders, {just braces }, {} and p{margin:0}", "No placeholders, {just braces }, {} and p{margin:0}"),
    ],
)
def test_fill_placeholders(text: str, filled: str) -> None:
    assert fill_placeholders(text, FIELDS) == (filled, [])


def test_unknown_placeholders_stay_and_are_reported_once_in_order() -> None:
    text = "{unsubscribe_url} {firstname} {contactfield=shoe_size} {unsubscribe_url}"
    filled, unknown = fill_placeholders(text, FIELDS)
    assert filled == "{unsubscribe_url} Siobhán {contactfield=shoe_size} {unsubscribe_url}"
    assert unknown == ["{unsubscribe_url}", "{contactfield=shoe_size}"]


def test_empty_placeholders_are_those_that_would_leave_a_gap() -> None:
    fields = {**FIELDS, "city": "  "}
    text = "Owner: {company}. {contactfield=company} {company|ACME} {company|} {city} {shoe} {firstname} {company}"
    assert empty_placeholders(text, fields) == ["{company}", "{contactfield=company}", "{city}"]
    assert fill_placeholders("In {city|town}.", fields) == ("In town.", [])


@pytest.mark.parametrize(
    ("placeholder", "with_it"),
    [("{owner}", "{owner|…}"), ("{contactfield=owner}", "{contactfield=owner|…}"), ("{owner|}", "{owner|…}")],
)
def test_a_placeholder_with_a_default(placeholder: str, with_it: str) -> None:
    assert with_default(placeholder) == with_it
    assert fill_placeholders(with_it, {"owner": ""}) == ("…", [])


def test_html_values_are_escaped() -> None:
    fields = {"firstname": "<script>alert(1)</script>", "owner": "Sam & Co"}
    filled, _ = fill_placeholders("<p>Hi {firstname}, {owner}</p>", fields, html_escape=True)
    assert filled == "<p>Hi &lt;script&gt;alert(1)&lt;/script&gt;, Sam &amp; Co</p>"


def test_contact_fields(engine: Engine, make_contact) -> None:
    contact = make_contact(
        engine,
        firstname="Ada",
        lastname="Lovelace",
        email="ada@example.com",
        region="London",
        points=42,
        phone=None,
        custom_fields={"Plan": "Gold", "firstname": "not this", "seats": 12},
    )
    fields = contact_fields(engine, contact)
    assert (fields["firstname"], fields["lastname"], fields["email"]) == ("Ada", "Lovelace", "ada@example.com")
    assert (fields["points"], fields["phone"], fields["state"]) == ("42", "", "London")
    assert (fields["plan"], fields["seats"]) == ("Gold", "12")  # custom fields, keyed in lower case
    with pytest.raises(ContactNotFound):
        contact_fields(engine, 999)


# Who may be emailed


def test_email_block_reasons(engine: Engine, make_contact) -> None:
    fine = make_contact(engine, firstname="Ada", email="ada@example.com")
    no_email = make_contact(engine, firstname="Bob")
    blank_email = make_contact(engine, firstname="Cy", email="  ")
    unsubscribed = make_contact(engine, firstname="Di", email="di@example.com")
    sms_only = make_contact(engine, firstname="Ed", email="ed@example.com")
    add_dnc(engine, unsubscribed)
    add_dnc(engine, sms_only, channel="sms")
    assert email_block_reason(engine, fine) is None
    assert email_block_reason(engine, no_email) == NO_EMAIL_ADDRESS == "This contact has no email address."
    assert email_block_reason(engine, blank_email) == NO_EMAIL_ADDRESS
    assert email_block_reason(engine, unsubscribed) == "This contact is marked do not contact for email (unsubscribed)."
    assert email_block_reason(engine, sms_only) is None
    with pytest.raises(ContactNotFound):
        email_block_reason(engine, 999)


# History


def test_record_sent_email(engine: Engine, make_contact) -> None:
    ada = make_contact(engine, firstname="Ada", email="ada@example.com")
    event_id = record_sent_email(
        engine,
        ada,
        subject="Grüße ☕",
        sender="Sam Seller <sam@example.com>",
        recipient="ada@example.com",
        actor="sam",
        now=NOW,
        message_id="<1@example.com>",
    )
    with Session(engine) as session:
        event = session.exec(select(Event).where(Event.id == event_id)).scalar_one()
    assert (event.contact_id, event.type, event.label, event.actor) == (
        ada,
        "email.sent",
        "Email sent: Grüße ☕",
        "sam",
    )
    assert event.occurred_at.replace(tzinfo=UTC) == NOW
    assert event.details == {
        "subject": "Grüße ☕",
        "from": "Sam Seller <sam@example.com>",
        "to": "ada@example.com",
        "message_id": "<1@example.com>",
        "tracking": "sent directly (not tracked)",
    }
