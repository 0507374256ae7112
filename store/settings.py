"""Settings: one TOML file, overridden by `DOSSIER_<SECTION>__<KEY>` environment variables.

The file is `$DOSSIER_CONFIG`, else `config.toml` in the platform's user config dir. Secrets may come from
the environment or the system keyring, never from the database, and are masked when printed.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from plain.errors import UserError
from store.places import config_path


class SettingsError(UserError):
    """The configuration file or an override is invalid; the message says where and why."""


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # getuser raises various errors when no login name is known
        return "unknown"


class UserSettings(BaseModel):
    name: str = Field(default_factory=_default_user, description="who is recorded as author and actor")


class NetworkSettings(BaseModel):
    offline: bool = Field(default=False, description="never touch the network")
    timeout: float = Field(default=5.0, gt=0, description="seconds before any outside call gives up")


class GravatarSettings(BaseModel):
    base_url: str = Field(default="https://www.gravatar.com/avatar/", description="Gravatar's avatar endpoint")


class SocialSettings(BaseModel):
    ttl_minutes: int = Field(default=60, ge=1, description="how long a fetched feed is shown before a refresh")
    mastodon_base_url: str = Field(default="", description="empty: the instance named in the handle")
    bluesky_base_url: str = "https://public.api.bsky.app"
    github_base_url: str = "https://api.github.com"
    github_token: SecretStr = Field(default=SecretStr(""), description="optional; raises GitHub's rate limit")

    # A network's settings follow one naming rule, so the app needs no code per network: `NETWORK_base_url`
    # (empty: the network's own default) and, if it takes one, `NETWORK_token`.
    def base_url(self, network: str) -> str | None:
        """The API address configured for a network, or None for the network's own default."""
        return getattr(self, f"{network}_base_url", "") or None

    def token(self, network: str) -> str | None:
        """The access token configured for a network, or None."""
        secret = getattr(self, f"{network}_token", None)
        return (secret.get_secret_value() if isinstance(secret, SecretStr) else secret) or None


class GeoSettings(BaseModel):
    mmdb_path: str = Field(
        default="", description="GeoLite2/GeoIP2 City .mmdb file; empty: the embedded 2018 database if installed"
    )


class UiSettings(BaseModel):
    theme: str = "textual-dark"
    page_size: int = Field(default=100, ge=10, le=1000, description="rows fetched per page")
    cursor_blink: bool = Field(default=True, description="blink the text cursor in input boxes")
    live_interval: float = Field(
        default=1.0, ge=0, le=60, description="seconds between looks for changes made elsewhere; 0 turns it off"
    )


KEYRING_SERVICE = "dossier-smtp"


class SmtpSettings(BaseModel):
    host: str = Field(default="", description="mail server; empty means sending email is not set up")
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["none", "starttls", "tls"] = Field(
        default="starttls", description="starttls (usually port 587), tls (port 465) or none"
    )
    user: str = Field(default="", description="login name; empty sends without logging in")
    password: SecretStr = Field(
        default=SecretStr(""),
        description=f"better set as DOSSIER_SMTP__PASSWORD or in the keyring (service {KEYRING_SERVICE!r})",
    )
    timeout: float = Field(default=10.0, gt=0, description="seconds before the mail server is given up on")
    from_name: str = ""
    from_address: str = ""
    reply_to: str = ""
    use_owner_as_sender: bool = Field(default=False, description="send as the contact's owner")

    def resolve_password(self) -> str:
        """The password to log in with: the configured one, else the keyring's entry for `user`, else "".

        The keyring is asked only here, when a login is about to happen: it may be slow (D-Bus) or prompt.
        A system with no usable keyring counts as having no password.
        """
        if secret := self.password.get_secret_value():
            return secret
        if not self.user:
            return ""
        try:
            import keyring

            return keyring.get_password(KEYRING_SERVICE, self.user) or ""
        except Exception:  # backends raise their own errors (no backend, locked, D-Bus down): no password
            return ""


MAUTIC_KEYRING_SERVICE = "dossier-mautic"


class MauticSettings(BaseModel):
    url: str = Field(default="", description="the instance's base URL, e.g. https://mautic.example.com")
    auth: Literal["basic", "oauth2"] = Field(
        default="basic", description="basic (a Mautic user) or oauth2 (client credentials, Mautic 4+)"
    )
    user: str = Field(default="", description="the Mautic user (basic) or the OAuth2 client id")
    secret: SecretStr = Field(
        default=SecretStr(""),
        description=f"better in DOSSIER_MAUTIC__SECRET or the keyring (service {MAUTIC_KEYRING_SERVICE})",
    )
    interval: float = Field(default=0, ge=0, description="minutes between syncs while the app runs; 0: only ctrl+r")
    timeout: float = Field(default=30.0, gt=0, description="seconds before one request is given up on")

    def resolve_secret(self) -> str:
        """The password or client secret: the configured one (or `$DOSSIER_MAUTIC_PASSWORD`), else the keyring's
        entry for `user`, else ""."""
        if secret := self.secret.get_secret_value() or os.environ.get("DOSSIER_MAUTIC_PASSWORD", ""):
            return secret
        if not self.user:
            return ""
        try:
            import keyring

            return keyring.get_password(MAUTIC_KEYRING_SERVICE, self.user) or ""
        except Exception:  # no usable keyring counts as no secret
            return ""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOSSIER_", env_nested_delimiter="__", extra="ignore")

    user: UserSettings = Field(default_factory=UserSettings)
    network: NetworkSettings = Field(default_factory=NetworkSettings)
    gravatar: GravatarSettings = Field(default_factory=GravatarSettings)
    social: SocialSettings = Field(default_factory=SocialSettings)
    ui: UiSettings = Field(default_factory=UiSettings)
    geo: GeoSettings = Field(default_factory=GeoSettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    mautic: MauticSettings = Field(default_factory=MauticSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=config_path())


def load_settings(**overrides: Any) -> Settings:
    """Read the effective settings; a malformed file or value raises `SettingsError` in one sentence."""
    path = config_path()
    if path.exists() and not path.is_file():
        raise SettingsError(f"{path} is not a file; point DOSSIER_CONFIG at a TOML file.")
    try:
        return Settings(**overrides)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path} is not valid TOML: {exc}.") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise SettingsError(f"Setting {where!r} is invalid: {first['msg']}.") from exc
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{path} is not UTF-8 text; save it as UTF-8.") from exc
    except OSError as exc:
        raise SettingsError(f"{path} cannot be read: {exc.strerror}.") from exc


def settings_file() -> str:
    """Where the settings are read from, for a message that asks the user to change one: the file's path, and
    that it does not exist yet when it does not (environment variables `DOSSIER_<SECTION>__<KEY>` come first)."""
    path = config_path()
    return str(path) if path.is_file() else f"{path} (no such file yet)"


def masked(settings: Settings) -> dict[str, Any]:
    """The settings as plain data with every secret replaced by asterisks, for printing."""

    def walk(value: Any) -> Any:
        if isinstance(value, SecretStr):
            return "********" if value.get_secret_value() else ""
        if isinstance(value, BaseModel):
            # TOML has no null: unset values are left out.
            fields = {name: walk(getattr(value, name)) for name in type(value).model_fields}
            return {name: field for name, field in fields.items() if field is not None}
        if isinstance(value, Path):
            return str(value)
        return value

    return walk(settings)
