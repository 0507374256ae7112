"""Merging two contacts and undoing it: field rules, every row moved, folds, conservation, refusals, undo."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from store.contacts import ContactNotFound, resolve_contact
from store.dialect import loads, stored_row
from store.family import family
from store.lookup import sql_run
from store.merge.merging import MergeNotFound, MergeRefused, merge_contacts, preview_merge
from store.merge.tables import CHILD_TABLES
from store.merge.undo import plan_unmerge, unmerge
from store.models import (
    Campaign,
    CampaignMembership,
    Contact,
    ContactIp,
    DoNotContact,
    IpAddress,
    Note,
    Segment,
    SegmentMembership,
    SocialProfile,
)

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
NOW = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)
LATER = NOW + timedelta(hours=2)
MERGE_EVENTS = ("lead.merged", "lead.unmerged")


def snapshot(engine: Engine, contact_id: int) -> str:
    """One contact and every row of it in other tables, as stored, as JSON text (the merge's own History
    events left out: they are the record of the merge, not the contact's data)."""
    with engine.connect() as conn:
        state = {
            "contact": stored_row(conn.execute(text("SELECT * FROM contact WHERE id = :id"), {"id": contact_id}).one())
        }
        for table in CHILD_TABLES:
            query = f"SELECT * FROM {table.name} WHERE contact_id = :id"
            if table.name == "event":
                query += f" AND type NOT IN {MERGE_EVENTS}"
            rows = conn.execute(text(query + f" ORDER BY {table.key}"), {"id": contact_id})
            state[table.name] = [stored_row(row) for row in rows]
    return json.dumps(state, sort_keys=True)


def counts(engine: Engine, contact_id: int) -> dict[str, int]:
    """Rows per table a contact has (the merge's own History events left out). Events stay with the contact
    they were written for and are its family's (store/family.py): a contact merged away has none."""
    found = {}
    with engine.connect() as conn:
        live = conn.execute(text("SELECT merged_into_id FROM contact WHERE id = :id"), {"id": contact_id}).scalar()
        for table in CHILD_TABLES:
            owners = (family(sql_run(conn), contact_id) if live is None else ()) if table.stays else (contact_id,)
            query = f"SELECT count(*) FROM {table.name} WHERE contact_id IN ({', '.join(map(str, owners)) or 'NULL'})"
            if table.name == "event":
                query += f" AND type NOT IN {MERGE_EVENTS}"
            found[table.name] = conn.execute(text(query)).scalar()
    return found


@dataclass
class Pair:
    survivor: int
    other: int
    segments: dict[str, int]
    campaigns: dict[str, int]
    ips: dict[str, int]


@pytest.fixture
def pair(engine: Engine, make_contact, add_events) -> Pair:
    """Two records of one person, each with rows in every table; some rows both have (they fold)."""
    survivor = make_contact(
        engine,
        firstname="Jane",
        lastname="Doe",
        email="jane@acme.example",
        phone="+44 20 7946 0000",
        phone_e164="+442079460000",
        company="Acme",
        points=10,
        stage="Lead",
        tags=["vip", "b2b"],
        custom_fields={"industry": "", "size": "10"},
        date_added=T0 - timedelta(days=100),
        date_modified=T0,
        last_active=T0 - timedelta(days=1),
    )
    other = make_contact(
        engine,
        firstname="Janet",
        lastname="Doe",
        email="Jane.Doe@acme.example",
        company="Acme Ltd",
        city="Leeds",
        points=5,
        owner="Sam",
        tags=["b2b", "new"],
        custom_fields={"industry": "Retail", "size": "50", "source": "web"},
        date_added=T0 - timedelta(days=200),
        date_modified=T0 + timedelta(hours=1),  # the newer record
        last_active=T0,
    )
    for contact_id in (survivor, other):
        add_events(engine, contact_id, [{"type": "page.hit", "occurred_at": T0 - timedelta(hours=h)} for h in range(3)])
    with Session(engine, expire_on_commit=False) as session:
        groups = [Segment(name="Newsletter"), Segment(name="Leads"), Campaign(name="Welcome"), Campaign(name="Promo")]
        ips = [IpAddress(ip="192.0.2.1"), IpAddress(ip="192.0.2.2")]
        session.add_all(groups + ips)
        session.flush()
        newsletter, leads, welcome, promo = (group.id for group in groups)
        day = timedelta(days=1)
        session.add_all(
            [
                Note(contact_id=survivor, text="Called her"),
                Note(contact_id=other, text="Met at a fair"),
                SegmentMembership(segment_id=newsletter, contact_id=survivor, date_added=T0 - day),
                SegmentMembership(segment_id=newsletter, contact_id=other, date_added=T0 - 9 * day),
                SegmentMembership(segment_id=leads, contact_id=other, date_added=T0, manually_added=True),
                CampaignMembership(campaign_id=welcome, contact_id=survivor, date_added=T0 - 5 * day),
                CampaignMembership(campaign_id=welcome, contact_id=other, date_added=T0 - 2 * day),
                CampaignMembership(campaign_id=promo, contact_id=survivor, date_added=T0),
                ContactIp(contact_id=survivor, ip_address_id=ips[0].id, first_seen=T0 - day, last_seen=T0, hits=2),
                ContactIp(
                    contact_id=other, ip_address_id=ips[0].id, first_seen=T0 - 3 * day, last_seen=T0 - day, hits=3
                ),
                ContactIp(contact_id=other, ip_address_id=ips[1].id, first_seen=T0, last_seen=T0, hits=1),
                SocialProfile(contact_id=survivor, network="mastodon", handle="@jane@example.social"),
                SocialProfile(contact_id=other, network="mastodon", handle="@jane@example.social", etag="x"),
                SocialProfile(contact_id=other, network="github", handle="janedoe"),
                DoNotContact(contact_id=other, channel="email", reason="unsubscribed"),
            ]
        )
        session.commit()
    return Pair(
        survivor,
        other,
        {"newsletter": newsletter, "leads": leads},
        {"welcome": welcome, "promo": promo},
        {"shared": ips[0].id, "other": ips[1].id},
    )


def merge(engine: Engine, survivor: int, other: int, **overrides):
    preview = preview_merge(engine, survivor, other, now=NOW)
    return merge_contacts(engine, preview, overrides=overrides, actor="sam", now=NOW)


def contact(engine: Engine, contact_id: int):
    with engine.connect() as conn:
        return conn.execute(Contact.__table__.select().where(Contact.__table__.c.id == contact_id)).one()


# the preview and the field rules


def test_preview_shows_both_values_and_which_wins(engine: Engine, pair: Pair) -> None:
    preview = preview_merge(engine, pair.survivor, pair.other, now=NOW)
    fields = {field.name: (field.survivor, field.other, field.choice, field.merged) for field in preview.fields}

    assert preview.newer == "other"
    assert fields["firstname"] == ("Jane", "Janet", "other", "Janet")  # the newer record's value
    assert fields["email"] == ("jane@acme.example", "Jane.Doe@acme.example", "other", "Jane.Doe@acme.example")
    assert fields["company"][2:] == ("other", "Acme Ltd")
    assert fields["city"] == ("", "Leeds", "other", "Leeds")
    assert fields["phone"][2:] == ("survivor", "+44 20 7946 0000")  # the newer one is empty: the other's
    assert fields["stage"][2:] == ("survivor", "Lead")
    assert fields["points"] == (10, 5, "both", 15)
    assert fields["tags"] == (["vip", "b2b"], ["b2b", "new"], "both", ["vip", "b2b", "new"])
    assert fields["last_active"][2:] == ("other", T0)
    assert fields["date_added"][2:] == ("other", T0 - timedelta(days=200))
    assert fields["owner"] == ("", "Sam", "other", "Sam")
    assert fields["custom_fields.industry"] == ("", "Retail", "other", "Retail")
    assert fields["custom_fields.size"] == ("10", "50", "survivor", "10")  # custom fields: the survivor's
    assert fields["custom_fields.source"] == (None, "web", "other", "web")
    assert fields["lastname"] == ("Doe", "Doe", "survivor", "Doe")
    assert next(f for f in preview.fields if f.name == "lastname").differs is False


def test_preview_counts_what_moves_and_what_folds(engine: Engine, pair: Pair) -> None:
    preview = preview_merge(engine, pair.survivor, pair.other, now=NOW)
    assert {c.table: (c.survivor, c.other, c.folded, c.moving) for c in preview.children} == {
        "event": (3, 3, 0, 3),
        "note": (1, 1, 0, 1),
        "segment_membership": (1, 2, 1, 1),
        "campaign_membership": (2, 1, 1, 0),
        "contact_ip": (1, 2, 1, 1),
        "social_profile": (1, 2, 1, 1),
        "do_not_contact": (0, 1, 0, 1),
    }
    # Headings and counted words as a person writes them: "IP addresses", never "Ip addresses" or "1 events".
    assert [c.label for c in preview.children] == [
        "Events",
        "Notes",
        "Segment memberships",
        "Campaign memberships",
        "IP addresses",
        "Social profiles",
        "Do-not-contact records",
    ]
    assert [c.words(c.moving) for c in preview.children if c.moving] == [
        "3 events",
        "1 note",
        "1 segment membership",
        "1 IP address",
        "1 social profile",
        "1 do-not-contact record",
    ]
    assert preview.folds == (
        "Segment “Newsletter”: both are in it; kept once, added 2026-01-06 (the earlier date).",
        "Campaign “Welcome”: both are in it; kept once, added 2026-01-10 (the earlier date).",
        "IP address 192.0.2.1: seen for both; kept once with 5 visits.",
        "Mastodon profile @jane@example.social: on both; the survivor's is kept.",
    )
    json.dumps(preview.to_json())


def test_the_newer_survivor_keeps_its_values_and_the_owner_stays(engine: Engine, make_contact) -> None:
    survivor = make_contact(engine, firstname="Ann", owner="Kim", city="", date_modified=T0 + timedelta(days=1))
    other = make_contact(engine, firstname="Anne", owner="Sam", city="York", date_modified=T0)
    values = preview_merge(engine, survivor, other, now=NOW).values()
    assert (values["firstname"], values["owner"], values["city"]) == ("Ann", "Kim", "York")


def test_flipping_fields(engine: Engine, pair: Pair) -> None:
    preview = preview_merge(engine, pair.survivor, pair.other, now=NOW)
    values = preview.values(
        {"firstname": "survivor", "points": "other", "email": "survivor", "custom_fields.size": "other"}
    )
    assert values["firstname"] == "Jane"
    assert values["points"] == 5
    assert (values["email"], values["email_normalized"]) == ("jane@acme.example", "jane@acme.example")
    assert values["custom_fields"] == {"industry": "Retail", "size": "50", "source": "web"}
    assert preview.values()["email_normalized"] == "jane.doe@acme.example"
    with pytest.raises(ValueError, match="'nickname' is not a field"):
        preview.values({"nickname": "other"})
    with pytest.raises(ValueError, match="neither"):
        preview.values({"firstname": "both"})


# the merge


def test_merge_applies_the_fields_and_soft_deletes_the_other(engine: Engine, pair: Pair) -> None:
    result = merge(engine, pair.survivor, pair.other, firstname="survivor")

    kept = contact(engine, pair.survivor)
    assert (kept.firstname, kept.email, kept.email_normalized, kept.points) == (
        "Jane",
        "Jane.Doe@acme.example",
        "jane.doe@acme.example",
        15,
    )
    assert (kept.phone, kept.phone_e164, kept.city, kept.owner) == ("+44 20 7946 0000", "+442079460000", "Leeds", "Sam")
    assert kept.tags == ["vip", "b2b", "new"]
    assert kept.custom_fields == {"industry": "Retail", "size": "10", "source": "web"}
    assert (kept.date_added, kept.last_active, kept.date_modified) == (T0 - timedelta(days=200), T0, NOW)
    gone = contact(engine, pair.other)
    assert (gone.merged_into_id, gone.deleted_at, gone.firstname) == (pair.survivor, NOW, "Janet")
    assert resolve_contact(engine, str(pair.other)) == (pair.survivor, pair.other)
    assert {change.name for change in result.changes} >= {"email", "points", "tags", "city"}
    assert "firstname" not in {change.name for change in result.changes}


def test_every_row_moves_and_rows_are_conserved(engine: Engine, pair: Pair) -> None:
    before = {
        name: counts(engine, pair.survivor)[name] + counts(engine, pair.other)[name] for name in counts(engine, 1)
    }
    result = merge(engine, pair.survivor, pair.other)

    assert counts(engine, pair.other) == dict.fromkeys(before, 0)
    after = counts(engine, pair.survivor)
    assert {name: after[name] + result.folded.get(name, 0) for name in after} == before
    assert result.moved == {
        "event": 3,
        "note": 1,
        "segment_membership": 1,
        "campaign_membership": 0,
        "contact_ip": 1,
        "social_profile": 1,
        "do_not_contact": 1,
    }
    assert result.folded == {"segment_membership": 1, "campaign_membership": 1, "contact_ip": 1, "social_profile": 1}


def test_every_table_that_points_at_a_contact_is_moved() -> None:
    children = {
        fk.parent.table.name
        for table in Contact.metadata.tables.values()
        for fk in table.foreign_keys
        if fk.column.table.name == "contact"
    }
    # sync_state keeps naming the contact an import created; the importer follows merged_into_id to the survivor,
    # so an undone merge needs no bookkeeping there. sync_outbox keeps the contact a change was made on: it is
    # written to that contact's record in Mautic, which a merge in Dossier does not join.
    kept = {"contact", "merge_record", "sync_state", "sync_outbox"}
    assert children - kept == {table.name for table in CHILD_TABLES}


def test_folded_memberships_keep_the_earlier_date_and_the_record_keeps_the_other(engine: Engine, pair: Pair) -> None:
    result = merge(engine, pair.survivor, pair.other)

    with Session(engine) as session:
        newsletter = session.get(SegmentMembership, (pair.segments["newsletter"], pair.survivor))
        welcome = session.get(CampaignMembership, (pair.campaigns["welcome"], pair.survivor))
        shared = session.get(ContactIp, (pair.survivor, pair.ips["shared"]))
        assert newsletter.date_added == T0 - timedelta(days=9)
        assert welcome.date_added == T0 - timedelta(days=5)
        assert (shared.first_seen, shared.last_seen, shared.hits) == (T0 - timedelta(days=3), T0, 5)
    with engine.connect() as conn:
        payload = conn.execute(
            text("SELECT payload FROM merge_record WHERE id = :id"), {"id": result.merge_id}
        ).scalar()
    folded = loads(payload)["folded"]
    assert [entry["other"]["contact_id"] for entry in folded["segment_membership"]] == [pair.other]
    assert folded["social_profile"][0]["other"]["etag"] == "x"


def test_merge_is_recorded_in_the_survivors_history(engine: Engine, pair: Pair) -> None:
    result = merge(engine, pair.survivor, pair.other)
    with engine.connect() as conn:
        event = conn.execute(text("SELECT * FROM event WHERE id = :id"), {"id": result.event_id}).one()
        record = conn.execute(text("SELECT * FROM merge_record WHERE id = :id"), {"id": result.merge_id}).one()
    details = loads(event.details)
    assert (event.contact_id, event.type, event.actor) == (pair.survivor, "lead.merged", "sam")
    assert event.label == f"Merged with Janet Doe (#{pair.other})"
    assert details["merge_id"] == result.merge_id
    assert details["changes"]["Points"] == "10 → 15"
    assert details["changes"]["City"] == "(empty) → Leeds"
    assert details["moved"]["events"] == 3
    assert details["folded"] == {
        "segment memberships": 1,
        "campaign memberships": 1,
        "IP addresses": 1,
        "social profiles": 1,
    }
    assert (record.winner_id, record.loser_id, record.merged_by, record.undone_at) == (
        pair.survivor,
        pair.other,
        "sam",
        None,
    )


# refusals


def test_refuses_a_contact_with_itself(engine: Engine, pair: Pair) -> None:
    with pytest.raises(MergeRefused, match="cannot be merged with itself"):
        preview_merge(engine, pair.survivor, pair.survivor, now=NOW)


def test_refuses_merged_away_contacts(engine: Engine, pair: Pair, make_contact) -> None:
    third = make_contact(engine, firstname="Jo")
    merge(engine, pair.survivor, pair.other)
    with pytest.raises(MergeRefused, match=rf"Janet Doe \(#{pair.other}\) was already merged into #{pair.survivor}"):
        preview_merge(engine, third, pair.other, now=NOW)
    with pytest.raises(MergeRefused, match="merge into that contact instead"):
        preview_merge(engine, pair.other, third, now=NOW)


def test_refuses_unknown_contacts(engine: Engine, pair: Pair) -> None:
    with pytest.raises(ContactNotFound):
        preview_merge(engine, pair.survivor, 999, now=NOW)


@pytest.mark.parametrize("who", ["survivor", "other"])
def test_refuses_a_stale_preview_and_changes_nothing(engine: Engine, pair: Pair, add_events, who: str) -> None:
    preview = preview_merge(engine, pair.survivor, pair.other, now=NOW)
    changed = getattr(pair, who)
    add_events(engine, changed, [{"type": "page.hit", "occurred_at": T0}])
    before = snapshot(engine, pair.survivor), snapshot(engine, pair.other)

    name = "Jane Doe" if who == "survivor" else "Janet Doe"
    with pytest.raises(MergeRefused, match=rf"{name} \(#{changed}\) changed since the preview"):
        merge_contacts(engine, preview, actor="sam", now=NOW)
    assert (snapshot(engine, pair.survivor), snapshot(engine, pair.other)) == before


def test_refuses_a_preview_when_a_field_changed(engine: Engine, pair: Pair) -> None:
    preview = preview_merge(engine, pair.survivor, pair.other, now=NOW)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE contact SET stage = 'Customer' WHERE id IN (:a, :b)"), {"a": pair.survivor, "b": pair.other}
        )
    with pytest.raises(MergeRefused, match="Both contacts changed"):
        merge_contacts(engine, preview, actor="sam", now=NOW)


def test_a_preview_cannot_be_merged_twice(engine: Engine, pair: Pair) -> None:
    preview = preview_merge(engine, pair.survivor, pair.other, now=NOW)
    merge_contacts(engine, preview, actor="sam", now=NOW)
    with pytest.raises(MergeRefused, match="already merged"):
        merge_contacts(engine, preview, actor="sam", now=NOW)


# undo


def test_undo_restores_both_contacts_exactly(engine: Engine, pair: Pair) -> None:
    before = snapshot(engine, pair.survivor), snapshot(engine, pair.other)
    result = merge(engine, pair.survivor, pair.other)

    plan = plan_unmerge(engine, result.merge_id)
    assert plan.conflicts == ()
    assert (plan.other.id, plan.other.name, plan.other.last_active) == (pair.other, "Janet Doe", T0)
    assert (plan.merged_at, plan.merged_by) == (NOW, "sam")
    assert plan.actions[0] == f"Restore Janet Doe (#{pair.other}) as a separate contact."
    assert plan.actions[1].startswith("Move back 3 events, 1 note, 1 segment membership, 1 IP address")
    undone = unmerge(engine, result.merge_id, actor="kim", now=LATER)

    assert (snapshot(engine, pair.survivor), snapshot(engine, pair.other)) == before
    assert undone.moved_back == result.moved
    assert undone.restored_folds == result.folded
    assert resolve_contact(engine, str(pair.other)) == (pair.other, None)
    with engine.connect() as conn:
        event = conn.execute(text("SELECT * FROM event WHERE id = :id"), {"id": undone.event_id}).one()
        undone_at = conn.execute(text("SELECT undone_at FROM merge_record")).scalar()
    assert (event.contact_id, event.type, event.actor) == (pair.survivor, "lead.unmerged", "kim")
    assert event.label == f"Merge undone: Janet Doe (#{pair.other}) is separate again"
    assert undone_at is not None


def test_undo_twice_is_refused(engine: Engine, pair: Pair) -> None:
    result = merge(engine, pair.survivor, pair.other)
    unmerge(engine, result.merge_id, actor="sam", now=LATER)
    with pytest.raises(MergeRefused, match=f"Merge #{result.merge_id} was already undone on 2026-02-01 11:30"):
        plan_unmerge(engine, result.merge_id)
    with pytest.raises(MergeRefused, match="already undone"):
        unmerge(engine, result.merge_id, actor="sam", now=LATER)


def test_undo_of_an_unknown_merge(engine: Engine) -> None:
    with pytest.raises(MergeNotFound, match="No merge has the id 7"):
        plan_unmerge(engine, 7)


def test_later_changes_win_over_the_undo(engine: Engine, pair: Pair, add_events) -> None:
    other_before = snapshot(engine, pair.other)
    result = merge(engine, pair.survivor, pair.other)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE contact SET city = 'York', points = points + 5 WHERE id = :id"), {"id": pair.survivor}
        )
        conn.execute(text("DELETE FROM note WHERE contact_id = :id AND text = 'Met at a fair'"), {"id": pair.survivor})
    new_event = add_events(engine, pair.survivor, [{"type": "page.hit", "occurred_at": NOW}])[0]

    plan = plan_unmerge(engine, result.merge_id)
    assert plan.conflicts == (
        "City was changed after the merge; the survivor keeps York (it was (empty) before the merge).",
        "Points changed by +5 after the merge; the survivor keeps that change and goes back to 15.",
        "1 note that moved in the merge was deleted since; it stays deleted.",
    )
    result = unmerge(engine, result.merge_id, actor="sam", now=LATER)

    kept = contact(engine, pair.survivor)
    assert (kept.city, kept.points, kept.firstname, kept.date_modified) == ("York", 15, "Jane", LATER)
    assert result.moved_back["note"] == 0
    assert result.conflicts == plan.conflicts
    with engine.connect() as conn:
        owner = conn.execute(text("SELECT contact_id FROM event WHERE id = :id"), {"id": new_event}).scalar()
    assert owner == pair.survivor
    restored = json.loads(snapshot(engine, pair.other))
    assert restored["note"] == []
    assert {k: v for k, v in restored.items() if k != "note"} == {
        k: v for k, v in json.loads(other_before).items() if k != "note"
    }


def test_a_fold_removed_since_is_not_restored(engine: Engine, pair: Pair) -> None:
    result = merge(engine, pair.survivor, pair.other)
    with engine.begin() as conn:
        conn.execute(
            text("DELETE FROM segment_membership WHERE contact_id = :id AND segment_id = :segment"),
            {"id": pair.survivor, "segment": pair.segments["newsletter"]},
        )
        conn.execute(text("UPDATE contact_ip SET hits = hits + 1 WHERE contact_id = :id"), {"id": pair.survivor})

    plan = plan_unmerge(engine, result.merge_id)
    assert plan.conflicts == (
        "The survivor's segment membership that the other's was folded into was removed after the merge; "
        "the other's stays removed too.",
        "The survivor's IP address that the other's was folded into changed after the merge; "
        "it keeps its current values.",
    )
    undone = unmerge(engine, result.merge_id, actor="sam", now=LATER)

    assert undone.restored_folds == {
        "segment_membership": 0,
        "campaign_membership": 1,
        "contact_ip": 1,
        "social_profile": 1,
    }
    with Session(engine) as session:
        assert session.get(SegmentMembership, (pair.segments["newsletter"], pair.other)) is None
        assert session.get(ContactIp, (pair.survivor, pair.ips["shared"])).hits == 6
        assert session.get(ContactIp, (pair.other, pair.ips["shared"])).hits == 3


def test_chained_merges_are_undone_last_first(engine: Engine, pair: Pair, make_contact) -> None:
    third = make_contact(engine, firstname="Jo", email="jo@acme.example")
    before = [snapshot(engine, contact_id) for contact_id in (pair.survivor, pair.other, third)]
    first = merge(engine, pair.survivor, pair.other)
    second = merge(engine, third, pair.survivor)

    with pytest.raises(MergeRefused, match=rf"Jane.*\(#{pair.survivor}\) was merged into #{third} since; undo that"):
        plan_unmerge(engine, first.merge_id)
    unmerge(engine, second.merge_id, actor="sam", now=LATER)
    unmerge(engine, first.merge_id, actor="sam", now=LATER)

    assert [snapshot(engine, contact_id) for contact_id in (pair.survivor, pair.other, third)] == before
