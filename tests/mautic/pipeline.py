"""The request pipeline: Mautic's listeners in their order, then the controller (spec §0, §1, §10, §11)."""

from __future__ import annotations

from typing import Any, Protocol

from tests.mautic import contact_routes, note_routes, other_routes
from tests.mautic.auth import Settings, Token, authenticate, gate
from tests.mautic.model import Model
from tests.mautic.oauth import issue
from tests.mautic.ratelimit import RateLimiter
from tests.mautic.replies import Reply, ServerError, html, kernel_error
from tests.mautic.routes import Call, match

ENDPOINTS = (contact_routes, note_routes, other_routes)  # importing them registers their routes
LOGIN_PAGE = "<!DOCTYPE html><html><head><title>Mautic</title></head><body><form>Log in</form></body></html>"


class Incoming(Protocol):
    method: str
    path: str
    uri: str
    params: dict[str, Any]
    body: Any
    headers: dict[str, str]

    @property
    def form(self) -> dict[str, Any]: ...


class Instance(Settings, Protocol):
    model: Model
    rate_limit: int
    oauth_clients: dict[str, str]
    token_lifetime: int
    tokens: dict[str, Token]
    limiter: RateLimiter

    @property
    def url(self) -> str: ...


def dispatch(instance: Instance, request: Incoming) -> Reply:
    """One request through Mautic's listeners in their order: ApiSubscriber (255), the router (32), the
    firewall (8), the rate limiter (kernel.controller, -10), then the controller."""
    model = instance.model
    refused = gate(instance, request.headers, request.uri)
    if refused is not None:
        return refused
    if request.path == "/oauth/v2/token" and request.method in ("GET", "POST"):
        params = request.params if request.method == "GET" else {**request.params, **request.form}
        authorization = request.headers.get("authorization", "")
        lifetime = instance.token_lifetime
        return issue(instance.oauth_clients, instance.tokens, params, authorization, lifetime, model.now)
    if not request.path.startswith(("/api", "/oauth")):
        if request.path in ("/", "/s/login"):
            return html(200, LOGIN_PAGE)
        return html(404, "<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>")
    found = match(request.method, request.path, instance.url)
    if isinstance(found, Reply):
        return found
    handler, args = found
    principal = authenticate(instance, instance.tokens, request.headers, request.params, request.form, model.now)
    if isinstance(principal, Reply):
        return principal
    limit_headers: list[tuple[str, str]] = []
    if request.path.startswith("/api"):
        key = principal.token or "basic"
        limit_headers, limited = instance.limiter.hit(key, instance.rate_limit, model.now)
        if limited is not None:
            limited.headers += limit_headers
            return limited
    body = request.body if isinstance(request.body, dict) else {}
    call = Call(request.method, request.path, request.params, body, principal, instance.url, args)
    try:
        reply = handler(model, call)
    except ServerError:
        reply = kernel_error(500)  # Doctrine or PHP exceptions get the generic message (ExceptionController)
    reply.headers += limit_headers
    return reply
