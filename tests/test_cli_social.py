"""`dossier social add|remove CONTACT NETWORK HANDLE`: a profile the Social tab shows nothing for (a mistyped
handle, an account that is gone) can be removed from a script, and every refusal is one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from cli.main import main
from store.social import add_profile, list_profiles

pytestmark = pytest.mark.sqlite_only  # the store suite runs the social profiles on PostgreSQL too


def social(capsys: pytest.CaptureFixture[str], db: Path, *argv: object) -> tuple[int, str, str]:
    code = main(["social", *(str(arg) for arg in argv), "--db", str(db)])
    out, err = capsys.readouterr()
    return code, out, err


def handles(engine: Engine, contact_id: int) -> list[tuple[str, str]]:
    return [(account.network, account.handle) for account in list_profiles(engine, contact_id)]


def test_remove_a_mistyped_profile(engine: Engine, db_path: Path, make_contact, capsys) -> None:
    ada = make_contact(engine, firstname="Ada", email="ada@example.com")
    add_profile(engine, ada, "github", "adalovelce")  # mistyped: the network has no such user, so no posts
    add_profile(engine, ada, "mastodon", "ada@mastodon.example")
    assert social(capsys, db_path, "remove", "ada@example.com", "github", "AdaLovelce") == (
        0,
        f"Removed github: adalovelce and its cached feed from contact {ada}.\n",
        "",
    )
    # As the network writes it, or as the user first typed it (an @, the profile's address).
    assert social(capsys, db_path, "remove", ada, "mastodon", "@ada@mastodon.example")[0] == 0
    assert handles(engine, ada) == []


def test_add_then_remove(engine: Engine, db_path: Path, make_contact, capsys) -> None:
    ada = make_contact(engine, firstname="Ada", email="ada@example.com")
    assert social(capsys, db_path, "add", ada, "github", "https://github.com/octocat/") == (
        0,
        f"Added github: octocat to contact {ada}.\n",
        "",
    )
    assert handles(engine, ada) == [("github", "octocat")]
    assert social(capsys, db_path, "remove", ada, "github", "octocat")[0] == 0
    assert handles(engine, ada) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("remove", "{ada}", "github", "nobody"), "Contact {ada} has no github profile 'nobody'; it has: github: octo"),
        (("remove", "{ada}", "bluesky", "octo"), "Contact {ada} has no bluesky profile 'octo'; it has: github: octo"),
        (("remove", "404", "github", "octo"), "No contact has the id 404."),
        (("add", "{ada}", "github", "octo"), "This contact already has octo on GitHub."),
        (("add", "{ada}", "github", "no spaces"), "'no spaces' is not a GitHub user name; use letters, digits"),
    ],
)
def test_refusals_are_one_sentence(engine: Engine, db_path: Path, make_contact, capsys, argv, message) -> None:
    ada = make_contact(engine, firstname="Ada", email="ada@example.com")
    add_profile(engine, ada, "github", "octo")
    code, out, err = social(capsys, db_path, *(arg.format(ada=ada) for arg in argv))
    assert (code, out) == (1, "")
    assert err.startswith(f"dossier: {message.format(ada=ada)}")
    assert err.count("\n") == 1
    assert handles(engine, ada) == [("github", "octo")]


def test_an_unknown_network_is_refused_by_the_parser(db_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["social", "remove", "1", "myspace", "tom", "--db", str(db_path)])
    assert info.value.code == 2
    assert "argument network: invalid choice: 'myspace'" in capsys.readouterr().err


def test_the_command_offers_every_network_dossier_reads() -> None:
    from cli.commands.social import NETWORKS
    from services.social import PROVIDERS

    assert tuple(PROVIDERS) == NETWORKS
