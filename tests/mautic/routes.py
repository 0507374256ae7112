"""Routes: the controller registry and the router (spec §0; CoreSubscriber::onBuildRoute())."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.mautic.auth import Principal
from tests.mautic.model import Model
from tests.mautic.replies import Reply, kernel_error


@dataclass
class Call:
    """What a controller sees: the route's arguments, the query and the decoded body."""

    method: str
    path: str
    query: dict[str, Any]
    body: dict[str, Any]
    principal: Principal
    base_url: str
    args: tuple[str, ...] = field(default_factory=tuple)

    def get(self, name: str, default: Any = None) -> Any:
        """Request::get(): route attributes, then the query string, then the body."""
        if name in self.query:
            return self.query[name]
        return self.body.get(name, default)


Handler = Callable[[Model, Call], Reply]


_ROUTES: list[tuple[tuple[str, ...], re.Pattern[str], Handler]] = []


def route(methods: str, pattern: str) -> Callable[[Handler], Handler]:
    """Register a controller. `{id}`-style parts are digits only, so /api/contacts/abc is a routing 404
    (CoreSubscriber::addRouteToCollection())."""

    def register(handler: Handler) -> Handler:
        regex = re.compile(re.sub(r"\{(\w+)\}", lambda m: r"([^/]+)" if m.group(1) == "channel" else r"(\d+)", pattern))
        _ROUTES.append((tuple(methods.split("|")), regex, handler))
        return handler

    return register


def match(method: str, path: str, base_url: str) -> tuple[Handler, tuple[str, ...]] | Reply:
    allowed = False
    for methods, regex, handler in _ROUTES:
        found = regex.fullmatch(path)
        if found:
            if method in methods:
                return handler, found.groups()
            allowed = True
    if allowed:
        return kernel_error(405)  # MethodNotAllowedHttpException gets the generic message
    return kernel_error(404, f'No route found for "{method} {base_url}{path}"')
