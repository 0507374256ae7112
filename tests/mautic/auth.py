"""Who may call: the API switch, HTTP basic auth and bearer tokens (spec §1.2-1.4)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from tests.mautic.entities import SYSTEM, Actor
from tests.mautic.replies import Reply, subscriber_error

DENIED = "API authorization denied."
INVALID_CREDENTIALS = "Authorization denied, invalid credentials."


class Settings(Protocol):
    api_enabled: bool
    basic_auth: bool
    user: str
    password: str


@dataclass(frozen=True)
class Token:
    """An OAuth2 access token from the client-credentials grant."""

    value: str
    client_id: str
    actor: Actor
    expires_at: datetime


@dataclass(frozen=True)
class Principal:
    actor: Actor
    token: str | None = None  # an OAuth2 token has its own rate-limit bucket; basic-auth callers share one


def is_api(uri: str) -> bool:
    """RequestHelper: a request is an API request if its URI contains /api or /oauth anywhere, query included
    (5.1.1:app/bundles/ApiBundle/Helper/RequestHelper.php)."""
    return "/api" in uri or "/oauth" in uri


def gate(settings: Settings, headers: dict[str, str], uri: str) -> Reply | None:
    """ApiSubscriber::onKernelRequest (priority 255, before routing and auth; 5.1.1:app/bundles/ApiBundle/
    EventListener/ApiSubscriber.php, same logic in 4.4.13)."""
    if not is_api(uri):
        return None
    if not settings.api_enabled:
        message = "API disabled. You need to enable the API in the API settings of Mautic's Configuration."
        return subscriber_error(403, message, "api_disabled")
    if headers.get("authorization", "").lower().startswith("basic") and not settings.basic_auth:
        message = (
            "Basic Auth disabled. You need to enable HTTP basic auth in the API settings of Mautic's Configuration."
        )
        return subscriber_error(403, message, "access_denied")
    return None


def basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(encoded.strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password


def authenticate(
    settings: Settings, tokens: dict[str, Token], headers: dict[str, str], query: dict[str, Any],
    form: dict[str, Any], now: datetime,
) -> Principal | Reply:  # fmt: skip
    """The `api` firewall (5.1.1:app/config/security.php): fos_oauth first, then http_basic. A bearer token may
    come in the Authorization header, the access_token query parameter or a form body (oauth2-php@1.3.1
    OAuth2::getBearerToken*)."""
    header = headers.get("authorization", "")
    bearer = header[7:].strip() if header.lower().startswith("bearer ") else None
    bearer = bearer or query.get("access_token") or form.get("access_token")
    if bearer:
        token = tokens.get(str(bearer))
        if token is None:  # Oauth2Test.php:77
            return subscriber_error(401, "The access token provided is invalid.", "invalid_grant")
        if now >= token.expires_at:  # OAuth2::verifyAccessToken()
            return subscriber_error(401, "The access token provided has expired.", "invalid_grant")
        return Principal(token.actor, token.value)
    credentials = basic_credentials(header)
    if credentials is not None:
        # The http_basic listener reuses the fos_oauth entry point; ApiSubscriber::onKernelResponse words it
        # "invalid credentials" when basic auth was used (spec §1.4, derived).
        if credentials != (settings.user, settings.password):
            return subscriber_error(401, INVALID_CREDENTIALS, "access_denied")
        return Principal(SYSTEM)
    return subscriber_error(401, DENIED, "access_denied")  # mautic/mautic #11615
