"""Likely duplicates: normal forms of emails and phones, the reasons given, and never a name alone."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from store.contacts import ContactNotFound
from store.merge.duplicate_pairs import find_all_duplicates
from store.merge.duplicates import candidate_queries, find_duplicates_for
from store.normalize import normalize_email
from store.phones import backfill_phone_e164, normalize_phone, pretty_phone, region_for_country

# normal forms


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jane.Doe@Example.COM", "jane.doe@example.com"),
        ("  jane.doe@example.com \n", "jane.doe@example.com"),
        ("jane.doe+news@example.com", "jane.doe@example.com"),
        ("jane.doe+news+more@example.com", "jane.doe@example.com"),
        ("Jane.Doe+crm@Gmail.com", "janedoe@gmail.com"),
        ("j.a.n.e.doe@googlemail.com", "janedoe@gmail.com"),
        ("jane.doe@gmail.co.uk", "jane.doe@gmail.co.uk"),  # not Gmail: dots count
        ("no-at-sign", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_email(raw: str | None, expected: str | None) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+44 20 7946 0000", "US", "+442079460000"),
        ("020 7946 0000", "GB", "+442079460000"),
        ("(020) 7946-0000", "GB", "+442079460000"),
        ("0044 20 7946 0000", "GB", "+442079460000"),
        ("+1 (415) 555-2671", "GB", "+14155552671"),
        ("415.555.2671", "US", "+14155552671"),
        ("1-415-555-2671 x123", "US", "+14155552671"),  # the extension is not part of the number
        ("030 1234567", "DE", "+49301234567"),
        ("12", "US", None),
        ("not a number", "US", None),
        ("   ", "US", None),
        (None, "US", None),
    ],
)
def test_normalize_phone(raw: str | None, region: str, expected: str | None) -> None:
    assert normalize_phone(raw, region) == expected


@pytest.mark.parametrize(
    ("country", "expected"),
    [("United Kingdom", "GB"), ("germany", "DE"), ("gb", "GB"), ("Atlantis", "US"), ("", "US"), (None, "US")],
)
def test_region_for_country(country: str | None, expected: str) -> None:
    assert region_for_country(country, "US") == expected


def test_pretty_phone() -> None:
    assert pretty_phone("+442079460000") == "+44 20 7946 0000"
    assert pretty_phone("garbage") == "garbage"


def test_backfill_reads_each_number_in_its_country_in_batches(engine: Engine, make_contact) -> None:
    london = make_contact(engine, phone="020 7946 0000", country="United Kingdom")
    berlin = make_contact(engine, phone="030 1234567", country="Germany")
    nowhere = make_contact(engine, phone="(415) 555-2671", country="")
    junk = make_contact(engine, phone="call me")
    none = make_contact(engine)
    kept = make_contact(engine, phone="020 7946 0000", phone_e164="+15550000000")

    assert backfill_phone_e164(engine, "US", batch_size=2) == 3
    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, phone_e164 FROM contact")).all())
    assert rows == {
        london: "+442079460000",
        berlin: "+49301234567",
        nowhere: "+14155552671",
        junk: None,
        none: None,
        kept: "+15550000000",
    }
    assert backfill_phone_e164(engine, "US") == 0


# one contact's likely duplicates


def reasons(engine: Engine, contact_id: int) -> dict[int, tuple[str, ...]]:
    return {found.contact.id: found.reasons for found in find_duplicates_for(engine, contact_id)}


def test_same_email_after_normalisation(engine: Engine, make_contact) -> None:
    jane = make_contact(engine, firstname="Jane", email="Jane.Doe+news@Gmail.com")
    other = make_contact(engine, firstname="J.", email="janedoe@googlemail.com")
    same = make_contact(engine, firstname="Janie", email="JANE.DOE+NEWS@gmail.com ")
    make_contact(engine, firstname="Jane", email="jane.doe@gmail.co.uk")

    assert reasons(engine, jane) == {same: ("same email",), other: ("same email (normalised)",)}


def test_same_phone_in_different_formats(engine: Engine, make_contact) -> None:
    # The other contacts are found by their stored E.164; the contact's own is read from its phone.
    me = make_contact(engine, firstname="A", phone="020 7946 0000", country="United Kingdom")
    by_phone = make_contact(engine, firstname="B", phone="+44 (0)20 7946-0000", phone_e164="+442079460000")
    by_mobile = make_contact(engine, firstname="C", phone="+44 7700 900123", phone_e164="+447700900123")
    not_backfilled = make_contact(engine, firstname="D", phone="+44 20 7946 0000")
    with engine.begin() as conn:
        conn.execute(text("UPDATE contact SET mobile = '07700 900123' WHERE id = :id"), {"id": me})

    assert reasons(engine, me) == {
        by_phone: ("same phone +44 20 7946 0000",),
        by_mobile: ("same phone +44 7700 900123",),
    }
    backfill_phone_e164(engine)
    assert not_backfilled in reasons(engine, me)


def test_transposed_names_at_the_same_company(engine: Engine, make_contact) -> None:
    jane = make_contact(engine, firstname="Jane", lastname="Doe", company="Acme Corp", email="jd@gmail.com")
    swapped = make_contact(engine, firstname="Doe", lastname="Jane", company="  ACME CORP ", email="x@yahoo.com")
    accented = make_contact(engine, firstname="Jáne", lastname="Doé", company="Acme Corp")
    typo = make_contact(engine, firstname="Jane", lastname="Dooe", company="Acme Corp")
    make_contact(engine, firstname="John", lastname="Smith", company="Acme Corp")

    assert reasons(engine, jane) == {
        typo: ("similar name (94%) at the same company",),
        accented: ("same name at the same company",),
        swapped: ("same name at the same company",),
    }


def test_similar_names_with_the_same_company_email_domain(engine: Engine, make_contact) -> None:
    jon = make_contact(engine, firstname="Jon", lastname="Smith", email="jon@acme.example")
    john = make_contact(engine, firstname="John", lastname="Smith", email="john.smith+crm@ACME.example")
    make_contact(engine, firstname="Jon", lastname="Smith", email="jon@other.example")

    assert reasons(engine, jon) == {john: ("similar name (94%) with the same email domain",)}


def test_never_a_name_alone(engine: Engine, make_contact) -> None:
    jane = make_contact(engine, firstname="Jane", lastname="Doe", email="jane@gmail.com", company="Acme")
    make_contact(engine, firstname="Jane", lastname="Doe")
    make_contact(engine, firstname="Jane", lastname="Doe", company="Globex")
    make_contact(engine, firstname="Doe", lastname="Jane", email="jd@gmail.com")  # a free-mail domain says nothing
    make_contact(engine, firstname="Jane", lastname="Doe", email="jane@yahoo.com", company="Initech")

    assert reasons(engine, jane) == {}


def test_nameless_contacts_are_not_compared_by_name(engine: Engine, make_contact) -> None:
    nameless = make_contact(engine, company="Acme", email="a@acme.example")
    make_contact(engine, company="Acme", email="b@acme.example")
    named = make_contact(engine, firstname="Jane", company="Acme")

    assert reasons(engine, nameless) == {}
    assert reasons(engine, named) == {}


def test_every_reason_once_strongest_first(engine: Engine, make_contact) -> None:
    jane = make_contact(engine, firstname="Jane", lastname="Doe", email="jane@acme.example", company="Acme")
    twin = make_contact(
        engine,
        firstname="Jane",
        lastname="Doe",
        email="Jane+x@acme.example",
        company="Acme",
        phone_e164="+442079460000",
    )
    by_name = make_contact(engine, firstname="Doe", lastname="Jane", email="d@acme.example", company="Acme")
    with engine.begin() as conn:
        conn.execute(text("UPDATE contact SET phone = '+44 20 7946 0000' WHERE id = :id"), {"id": jane})

    found = find_duplicates_for(engine, jane)
    assert [(c.contact.id, c.reasons) for c in found] == [
        (twin, ("same email (normalised)", "same phone +44 20 7946 0000", "same name at the same company")),
        (by_name, ("same name at the same company",)),
    ]
    assert found[0].contact.name == "Jane Doe"
    assert len(find_duplicates_for(engine, jane, limit=1)) == 1


def test_merged_away_contacts_and_the_contact_itself_are_never_offered(engine: Engine, make_contact) -> None:
    jane = make_contact(engine, firstname="Jane", email="jane@acme.example")
    make_contact(engine, firstname="Jane", email="jane@acme.example", merged_into_id=jane)

    assert reasons(engine, jane) == {}


def test_an_unknown_contact(engine: Engine) -> None:
    with pytest.raises(ContactNotFound, match="No contact has the id 99"):
        find_duplicates_for(engine, 99)


@pytest.mark.sqlite_only
def test_every_lookup_reads_an_index(engine: Engine) -> None:
    queries = candidate_queries(1, email="a@b.example", phones=["+1"], company="Acme", domain="b.example")
    indexes = ["email_normalized", "phone_e164", "company_key", "email_domain"]
    assert len(queries) == len(indexes)
    with engine.connect() as conn:
        for (_, _, query), index in zip(queries, indexes, strict=True):
            sql = query.compile(conn, compile_kwargs={"literal_binds": True})
            details = " ".join(row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
            assert f"SEARCH contact USING INDEX ix_contact_{index} (" in details, details


# the whole database


def pairs(engine: Engine, limit: int = 100) -> list[tuple[int, int, tuple[str, ...]]]:
    return [(p.first.id, p.second.id, p.reasons) for p in find_all_duplicates(engine, limit=limit)]


def test_all_duplicates_by_every_reason(engine: Engine, make_contact) -> None:
    a = make_contact(engine, firstname="Ann", email="ann@acme.example", company="Acme")
    a2 = make_contact(engine, firstname="Ann B", email="ANN+x@acme.example")
    b = make_contact(engine, firstname="Bob", phone_e164="+442079460000")
    b2 = make_contact(engine, firstname="Robert", phone_e164="+442079460000")
    c = make_contact(engine, firstname="Carla", lastname="Diaz", company="Initech")
    c2 = make_contact(engine, firstname="Diaz", lastname="Carla", company="initech")
    d = make_contact(engine, firstname="Dan", lastname="Eve", email="dan@globex.example")
    d2 = make_contact(engine, firstname="Dann", lastname="Eve", email="d.eve@globex.example")
    make_contact(engine, firstname="Carla", lastname="Diaz")  # a name alone
    make_contact(engine, firstname="Dan", lastname="Eve", email="dan@gmail.com")  # free mail
    make_contact(engine, firstname="Dan", lastname="Eve", email="dan@hotmail.com")
    gone = make_contact(engine, firstname="Ann", email="ann@acme.example", merged_into_id=a)

    assert pairs(engine) == [
        (a, a2, ("same email (normalised)",)),
        (b, b2, ("same phone +44 20 7946 0000",)),
        (d, d2, ("similar name (93%) with the same email domain",)),
        (c, c2, ("same name at the same company",)),
    ]
    assert gone not in {contact for pair in pairs(engine) for contact in pair[:2]}
    assert pairs(engine, limit=2) == pairs(engine)[:2]


def test_a_group_of_three_pairs_each_with_the_oldest(engine: Engine, make_contact) -> None:
    first = make_contact(engine, firstname="A", email="same@acme.example")
    second = make_contact(engine, firstname="B", email="same@acme.example")
    third = make_contact(engine, firstname="C", email="Same@acme.example")

    assert pairs(engine) == [(first, third, ("same email",)), (first, second, ("same email",))]


def test_one_pair_with_all_its_reasons(engine: Engine, make_contact) -> None:
    a = make_contact(engine, firstname="Ann", lastname="Lee", email="ann@acme.example", company="Acme")
    b = make_contact(
        engine, firstname="Lee", lastname="Ann", email="ann+1@acme.example", company="Acme", phone_e164="+14155552671"
    )
    with engine.begin() as conn:
        conn.execute(text("UPDATE contact SET phone_e164 = '+14155552671' WHERE id = :id"), {"id": a})

    assert pairs(engine) == [
        (a, b, ("same email (normalised)", "same phone +1 415-555-2671", "same name at the same company"))
    ]


def test_no_duplicates(engine: Engine, make_contact) -> None:
    make_contact(engine, firstname="Ann", email="ann@acme.example")
    make_contact(engine, firstname="Bob", email="bob@acme.example")

    assert pairs(engine) == []
