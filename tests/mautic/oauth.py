"""POST /oauth/v2/token: the client-credentials grant (spec §1.5)."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta
from typing import Any

from tests.mautic.auth import Token, basic_credentials
from tests.mautic.entities import Actor
from tests.mautic.php import jms_json
from tests.mautic.replies import Reply, subscriber_error

# A client created by an admin may use these (ApiBundle/Entity/oAuth2/Client.php constructor, plus
# client_credentials from ClientController.php:234; 4.4.13 :208).
_GRANTS = ("authorization_code", "refresh_token", "client_credentials")


def issue(
    clients: dict[str, str], tokens: dict[str, Token], params: dict[str, Any], authorization: str,
    lifetime: int, now: datetime,
) -> Reply:  # fmt: skip
    """oauth2-php@1.3.1 OAuth2::grantAccessToken(). Errors are the library's 400s, rewritten into `errors[]` by
    ApiSubscriber because the URI contains /oauth (Oauth2Test.php:51)."""
    grant = params.get("grant_type")
    if not grant or not isinstance(grant, str):
        return subscriber_error(400, "Invalid grant_type parameter or parameter missing", "invalid_request")
    client_id, secret = params.get("client_id"), params.get("client_secret")
    from_header = basic_credentials(authorization)
    if from_header is not None and not client_id:
        client_id, secret = from_header
    if not isinstance(client_id, str) or client_id not in clients or clients[client_id] != secret:
        return subscriber_error(400, "The client credentials are invalid", "invalid_client")
    if grant not in _GRANTS:
        return subscriber_error(400, "The grant type is unauthorized for this client_id", "unauthorized_client")
    if grant == "refresh_token":
        return subscriber_error(400, "Invalid refresh token", "invalid_grant")
    if grant == "authorization_code":
        return subscriber_error(400, "Code not found", "invalid_grant")
    number = list(clients).index(client_id) + 1
    seed = f"{client_id}:{len(tokens)}:{now.isoformat()}".encode()
    value = base64.urlsafe_b64encode(hashlib.sha512(seed).digest()).decode().rstrip("=")
    # The pseudo-user of a client-credentials token is named "<client name> [<client id>]"; the fake's client
    # name is its client_id (UserBundle/Security/Firewall/AuthenticationListener.php assignRoleFromToken()).
    actor = Actor(None, f"{client_id} [{number}]")
    tokens[value] = Token(value, client_id, actor, now + timedelta(seconds=lifetime))
    # createAccessToken(): no refresh_token for client_credentials (issue_refresh_token=false).
    body = {"access_token": value, "expires_in": lifetime, "token_type": "bearer", "scope": None}
    headers = [("Cache-Control", "no-store"), ("Pragma", "no-cache")]
    return Reply(200, jms_json(body), headers=headers)
