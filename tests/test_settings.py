"""Settings: defaults, the TOML file, environment overrides, one-sentence errors, and masked secrets."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends.fail import Keyring as FailKeyring
from keyring.errors import KeyringLocked
from pydantic import SecretStr

from store.places import config_path, default_db_path
from store.settings import (
    KEYRING_SERVICE,
    Settings,
    SettingsError,
    load_settings,
    masked,
)


@pytest.fixture
def config_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Write the configuration file that `load_settings` reads; returns its path."""

    def write(content: str | bytes) -> Path:
        path = tmp_path / "config.toml"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        monkeypatch.setenv("DOSSIER_CONFIG", str(path))
        return path

    return write


def assert_one_sentence(message: str) -> None:
    assert "\n" not in message
    assert message.endswith(".")
    assert not message.endswith("..")


# Defaults and the file


def test_defaults_without_a_file() -> None:
    settings = load_settings()
    assert not config_path().exists()
    assert settings.user.name == getpass.getuser()
    assert (settings.network.offline, settings.network.timeout) == (False, 5.0)
    assert (settings.ui.theme, settings.ui.page_size) == ("textual-dark", 100)


def test_default_user_is_read_when_settings_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGNAME", "someone-else")
    assert load_settings().user.name == "someone-else"


def test_values_from_the_toml_file(config_file) -> None:
    config_file(
        """
[user]
name = "Grace Hopper"

[network]
offline = true
timeout = 2.5

[ui]
theme = "nord"
page_size = 25
"""
    )
    settings = load_settings()
    assert settings.user.name == "Grace Hopper"
    assert (settings.network.offline, settings.network.timeout) == (True, 2.5)
    assert (settings.ui.theme, settings.ui.page_size) == ("nord", 25)


def test_a_partial_file_keeps_the_other_defaults(config_file) -> None:
    config_file("[ui]\npage_size = 40\n")
    settings = load_settings()
    assert (settings.ui.theme, settings.ui.page_size) == ("textual-dark", 40)
    assert (settings.network.offline, settings.network.timeout) == (False, 5.0)


def test_unknown_sections_and_keys_are_ignored(config_file) -> None:
    config_file('[future]\nfeature = true\n\n[ui]\npage_size = 30\ncolour = "red"\n')
    assert load_settings().ui.page_size == 30


def test_config_path_honours_dossier_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DOSSIER_CONFIG", str(tmp_path / "elsewhere.toml"))
    assert config_path() == tmp_path / "elsewhere.toml"
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("DOSSIER_CONFIG", "~/dossier.toml")
    assert config_path() == tmp_path / "dossier.toml"


@pytest.mark.skipif(sys.platform != "linux", reason="platformdirs follows XDG only on Linux")
def test_config_path_default_is_the_user_config_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DOSSIER_CONFIG")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert config_path() == tmp_path / "xdg" / "dossier" / "config.toml"


# Environment overrides


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOSSIER_NETWORK__OFFLINE", "1")
    monkeypatch.setenv("DOSSIER_UI__PAGE_SIZE", "20")
    monkeypatch.setenv("DOSSIER_USER__NAME", "Ada")
    settings = load_settings()
    assert settings.network.offline is True
    assert settings.ui.page_size == 20
    assert settings.user.name == "Ada"


def test_environment_beats_the_file_key_by_key(config_file, monkeypatch: pytest.MonkeyPatch) -> None:
    config_file("[network]\noffline = false\ntimeout = 3\n\n[ui]\ntheme = 'nord'\npage_size = 40\n")
    monkeypatch.setenv("DOSSIER_NETWORK__OFFLINE", "true")
    monkeypatch.setenv("DOSSIER_UI__PAGE_SIZE", "60")
    settings = load_settings()
    assert (settings.network.offline, settings.network.timeout) == (True, 3.0)
    assert (settings.ui.theme, settings.ui.page_size) == ("nord", 60)


def test_arguments_beat_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOSSIER_UI__PAGE_SIZE", "60")
    monkeypatch.setenv("DOSSIER_UI__THEME", "nord")
    settings = load_settings(ui={"page_size": 15})
    assert (settings.ui.theme, settings.ui.page_size) == ("nord", 15)


def test_dossier_db_and_config_are_not_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # DOSSIER_DB shares the prefix; it must not trip validation.
    monkeypatch.setenv("DOSSIER_DB", "/somewhere/else.db")
    assert load_settings().ui.page_size == 100


# Errors: one sentence


def test_invalid_toml(config_file) -> None:
    path = config_file("[ui\npage_size = 5\n")
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert message.startswith(f"{path} is not valid TOML: ")
    assert "line 1" in message
    assert_one_sentence(message)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[ui]\npage_size = 5\n", "Setting 'ui.page_size' is invalid: Input should be greater than or equal to 10."),
        ("[ui]\npage_size = 5000\n", "Setting 'ui.page_size' is invalid: Input should be less than or equal to 1000."),
        ("[network]\ntimeout = 0\n", "Setting 'network.timeout' is invalid: Input should be greater than 0."),
        (
            "[network]\noffline = 'sometimes'\n",
            "Setting 'network.offline' is invalid: Input should be a valid boolean, unable to interpret input.",
        ),
        ("ui = 5\n", "Setting 'ui' is invalid: Input should be a valid dictionary or instance of UiSettings."),
    ],
)
def test_invalid_values_in_the_file(config_file, content: str, message: str) -> None:
    config_file(content)
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert str(info.value) == message
    assert_one_sentence(message)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "DOSSIER_UI__PAGE_SIZE",
            "lots",
            "Setting 'ui.page_size' is invalid: Input should be a valid integer, unable to parse string as an integer.",
        ),
        (
            "DOSSIER_NETWORK__OFFLINE",
            "maybe",
            "Setting 'network.offline' is invalid: Input should be a valid boolean, unable to interpret input.",
        ),
        ("DOSSIER_NETWORK__TIMEOUT", "-1", "Setting 'network.timeout' is invalid: Input should be greater than 0."),
    ],
)
def test_invalid_values_in_the_environment(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert str(info.value) == message


def test_an_unreadable_file(config_file) -> None:
    path = config_file("[ui]\npage_size = 20\n")
    path.chmod(0)
    if os.access(path, os.R_OK):
        pytest.skip("running as root: permission bits do not stop root from reading, so no file is unreadable")
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert str(info.value) == f"{path} cannot be read: Permission denied."


def test_a_config_file_that_is_not_utf8(config_file) -> None:
    path = config_file(b"[ui]\ntheme = '\xff\xfe'\n")
    with pytest.raises(SettingsError, match="is not UTF-8 text; save it as UTF-8"):
        load_settings()
    assert path.exists()


def test_a_config_path_that_is_a_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    monkeypatch.setenv("DOSSIER_CONFIG", str(folder))
    with pytest.raises(SettingsError):
        load_settings()


# Masking


class SettingsWithSecrets(Settings):
    api_token: SecretStr = SecretStr("")
    cache_dir: Path = Path("/var/cache/dossier")


def test_masked_plain_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOSSIER_USER__NAME", "tester")
    assert masked(load_settings()) == {
        "user": {"name": "tester"},
        "network": {"offline": False, "timeout": 5.0},
        "gravatar": {"base_url": "https://www.gravatar.com/avatar/"},
        "social": {
            "ttl_minutes": 60,
            "mastodon_base_url": "",
            "bluesky_base_url": "https://public.api.bsky.app",
            "github_base_url": "https://api.github.com",
            "github_token": "",
        },
        "geo": {"mmdb_path": ""},
        "ui": {"theme": "textual-dark", "page_size": 100, "cursor_blink": True, "live_interval": 1.0},
        "smtp": {
            "host": "",
            "port": 587,
            "security": "starttls",
            "user": "",
            "password": "",
            "timeout": 10.0,
            "from_name": "",
            "from_address": "",
            "reply_to": "",
            "use_owner_as_sender": False,
        },
        "mautic": {"url": "", "auth": "basic", "user": "", "secret": "", "interval": 0, "timeout": 30.0},
    }


def test_masked_hides_secrets_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOSSIER_SMTP__PASSWORD", "hunter2")
    monkeypatch.setenv("DOSSIER_SMTP__HOST", "mail.test")
    settings = SettingsWithSecrets()
    assert settings.smtp.password.get_secret_value() == "hunter2"
    shown = masked(settings)
    assert (shown["smtp"]["host"], shown["smtp"]["password"]) == ("mail.test", "********")
    assert shown["api_token"] == ""  # an unset secret shows as empty, not as asterisks
    assert shown["cache_dir"] == "/var/cache/dossier"
    assert "hunter2" not in repr(shown)


def test_the_mautic_secret_from_the_environment_is_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOSSIER_MAUTIC__SECRET", "mautic-pass")
    settings = load_settings()
    assert settings.mautic.resolve_secret() == "mautic-pass"
    assert masked(settings)["mautic"]["secret"] == "********"
    assert "mautic-pass" not in repr(masked(settings))


def test_masked_hides_secrets_from_the_file(config_file) -> None:
    config_file('api_token = "s3cret-token"\n\n[smtp]\npassword = "from-file"\n')
    shown = masked(SettingsWithSecrets())
    assert (shown["api_token"], shown["smtp"]["password"]) == ("********", "********")
    assert "s3cret" not in repr(shown)
    assert "from-file" not in repr(shown)


# SMTP and its password


class MemoryKeyring(KeyringBackend):
    """A keyring backend in memory that counts how often it is asked."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, entries: dict[tuple[str, str], str] | None = None, *, broken: bool = False) -> None:
        super().__init__()
        self.entries = entries or {}
        self.broken = broken
        self.asked = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.asked += 1
        if self.broken:
            raise KeyringLocked("the keyring is locked")
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@pytest.fixture
def use_keyring():
    """Install a keyring backend for one test, then put the previous one back."""
    previous = keyring.get_keyring()

    def install(backend: KeyringBackend) -> KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    yield install
    keyring.set_keyring(previous)


def test_smtp_defaults() -> None:
    smtp = load_settings().smtp
    assert (smtp.host, smtp.port, smtp.security, smtp.user, smtp.timeout) == ("", 587, "starttls", "", 10.0)
    assert (smtp.from_name, smtp.from_address, smtp.reply_to, smtp.use_owner_as_sender) == ("", "", "", False)
    assert smtp.password.get_secret_value() == ""


def test_smtp_from_the_file_and_the_environment(config_file, monkeypatch: pytest.MonkeyPatch) -> None:
    config_file('[smtp]\nhost = "mail.example.com"\nport = 465\nsecurity = "tls"\nfrom_name = "Sam Seller"\n')
    monkeypatch.setenv("DOSSIER_SMTP__USER", "sam")
    monkeypatch.setenv("DOSSIER_SMTP__FROM_ADDRESS", "sam@example.com")
    monkeypatch.setenv("DOSSIER_SMTP__USE_OWNER_AS_SENDER", "true")
    smtp = load_settings().smtp
    assert (smtp.host, smtp.port, smtp.security, smtp.user) == ("mail.example.com", 465, "tls", "sam")
    assert (smtp.from_name, smtp.from_address, smtp.use_owner_as_sender) == ("Sam Seller", "sam@example.com", True)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "DOSSIER_SMTP__SECURITY",
            "ssl",
            "Setting 'smtp.security' is invalid: Input should be 'none', 'starttls' or 'tls'.",
        ),
        ("DOSSIER_SMTP__PORT", "0", "Setting 'smtp.port' is invalid: Input should be greater than or equal to 1."),
        ("DOSSIER_SMTP__TIMEOUT", "0", "Setting 'smtp.timeout' is invalid: Input should be greater than 0."),
    ],
)
def test_invalid_smtp_settings(monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert str(info.value) == message


def test_the_password_from_the_environment_wins_and_the_keyring_is_not_asked(
    monkeypatch: pytest.MonkeyPatch, use_keyring
) -> None:
    backend = use_keyring(MemoryKeyring({(KEYRING_SERVICE, "sam"): "from-keyring"}))
    monkeypatch.setenv("DOSSIER_SMTP__USER", "sam")
    monkeypatch.setenv("DOSSIER_SMTP__PASSWORD", "from-env")
    assert load_settings().smtp.resolve_password() == "from-env"
    assert backend.asked == 0


def test_the_password_from_the_keyring_is_read_only_when_needed(monkeypatch: pytest.MonkeyPatch, use_keyring) -> None:
    backend = use_keyring(MemoryKeyring({(KEYRING_SERVICE, "sam"): "from-keyring"}))
    monkeypatch.setenv("DOSSIER_SMTP__USER", "sam")
    settings = load_settings()
    assert backend.asked == 0
    assert settings.smtp.resolve_password() == "from-keyring"
    assert backend.asked == 1
    assert "from-keyring" not in repr(masked(settings))


def test_no_user_means_no_password_and_no_keyring_question(use_keyring) -> None:
    backend = use_keyring(MemoryKeyring({(KEYRING_SERVICE, ""): "odd"}))
    assert load_settings().smtp.resolve_password() == ""
    assert backend.asked == 0


@pytest.mark.parametrize("backend", [FailKeyring(), MemoryKeyring(broken=True), MemoryKeyring()])
def test_a_missing_or_failing_keyring_means_no_password(
    monkeypatch: pytest.MonkeyPatch, use_keyring, backend: KeyringBackend
) -> None:
    use_keyring(backend)
    monkeypatch.setenv("DOSSIER_SMTP__USER", "sam")
    assert load_settings().smtp.resolve_password() == ""


# The database path


def test_default_db_path_honours_dossier_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert default_db_path() == tmp_path / "default.db"
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("DOSSIER_DB", "~/crm/my.db")
    assert default_db_path() == tmp_path / "crm" / "my.db"


@pytest.mark.skipif(sys.platform != "linux", reason="platformdirs follows XDG only on Linux")
def test_default_db_path_is_the_user_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DOSSIER_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_db_path() == tmp_path / "data" / "dossier" / "dossier.db"
