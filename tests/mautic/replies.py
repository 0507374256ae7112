"""Responses and the error shapes Mautic sends (spec §1.2, §1.4, §10, §11)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.mautic.php import jms_json, json_response

JSON = "application/json"
GENERIC = (
    "Looks like I encountered an error (error #{code}). If I do it again, please report me to the system administrator!"
)


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = JSON
    headers: list[tuple[str, str]] = field(default_factory=list)
    controller: bool = False  # built by an API controller's view(), so it carries Mautic-Version


class ServerError(Exception):
    """An exception Mautic itself would raise (SQL on an unknown column, a bad ORDER BY direction, a date PHP
    cannot parse): the kernel answers 500 with the generic message. Not a fault of the fake."""


def view(data: Any, status: int = 200, headers: list[tuple[str, str]] | None = None) -> Reply:
    """A controller view serialized by JMS (FetchCommonApiController::view() adds Mautic-Version)."""
    return Reply(status, jms_json(data), headers=list(headers or []), controller=True)


def error(status: int, message: str, details: Any = None) -> Reply:
    """returnError(): `{code, message, details, type: null}` serialized without nulls, so `type` is absent
    (5.1.1:FetchCommonApiController.php; 4.4.13:CommonApiController.php:1182)."""
    return view(
        {"errors": [{"code": status, "message": message, "details": [] if details is None else details}]}, status
    )


def not_found() -> Reply:
    return error(404, "Item was not found.")  # mautic.core.error.notfound (CoreBundle flashes.ini)


def contact_not_found() -> Reply:
    return error(404, "Contact not found.")  # LeadAccessTrait::checkLeadAccess()


def access_denied() -> Reply:
    return error(403, "You do not have access to the requested area/action.")


def bad_request(message: str = "This is a bad request.", details: Any = None) -> Reply:
    return error(400, message, details)


def invalid(field_name: str, message: str = "This value is not valid.") -> Reply:
    """A form validation failure: "<field>: <error>" with details keyed by field (spec §11)."""
    return error(400, f"{field_name}: {message}", {field_name: [message]})


def subscriber_error(status: int, message: str, kind: str) -> Reply:
    """ApiSubscriber's JsonResponse: key order message, code, type, and `type` present (spec §1.2, §1.4)."""
    return Reply(status, json_response({"errors": [{"message": message, "code": status, "type": kind}]}))


def kernel_error(status: int, message: str | None = None) -> Reply:
    """ExceptionController (5.1.1:app/bundles/CoreBundle/Controller/ExceptionController.php): a JsonResponse with
    `type: null`; only not-found, access-denied and unexpected-value exceptions show their own message."""
    text = message if message is not None else GENERIC.format(code=status)
    return Reply(status, json_response({"errors": [{"message": text, "code": status, "type": None}]}))


def rate_limited(limit: int) -> Reply:
    """`new Response($message, 429)`: the configured text as text/html, no Retry-After
    (RateLimitBundle@v1.19.0 RateLimitAnnotationListener; 5.1.1:app/config/config.php:285-300)."""
    body = (
        '{ "errors": [ { "code": 429, "message": "You exceeded the rate limit of '
        f'{limit} API calls per hour.", "details": [] }} ]}}'
    )
    return Reply(429, body.encode(), content_type="text/html; charset=UTF-8")


def html(status: int, text: str, headers: list[tuple[str, str]] | None = None) -> Reply:
    return Reply(status, text.encode(), content_type="text/html; charset=UTF-8", headers=list(headers or []))


def keyed(items: dict[str, Any]) -> dict[str, Any] | list:
    """A PHP array keyed by id: an object, but `[]` when empty."""
    return items or []
