"""Bluesky's moderation labels as the official client applies them for a logged-out reader, whose preferences are
the defaults (adult content off) and whose one labeler is Bluesky's own moderation service.

Followed in bluesky-social/atproto (read at commit d6296a1c): `packages/api/definitions/labels.json` (the
global labels, their flags and `behaviors`), `packages/api/src/moderation/decision.ts` (`addLabel`: which labels
count), `packages/api/src/moderation/subjects/account.ts` and `.../subjects/profile.ts` (which of a profile's
labels are on the account and which on its profile record), and `packages/bsky/src/views/index.ts`
(`profileBasic`, `selfLabels`: what the AppView puts in a profile view's `labels`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.social.text import mapping, string

NO_UNAUTHENTICATED = "!no-unauthenticated"
# The global labels a logged-out reader sees, as labels.json defines them: "!hide" hides the content, the adult
# ones hide the media (adult content is off without an account), "nudity" defaults to "ignore" and is not shown.
LABEL_NAMES = {
    "!hide": "hidden by Bluesky moderation",
    "!warn": "content warning",
    "porn": "adult content",
    "sexual": "sexually suggestive",
    "graphic-media": "graphic media",
}
HIDES_MEDIA = {"porn", "sexual", "graphic-media"}
_NO_SELF = {"!hide", "!warn"}  # labels.json flags these "no-self": an author cannot apply them to themselves
# A profile view's labels whose subject is the profile record: the labels a moderation service put on that record,
# and the record's own self-labels (views/index.ts `profileBasic`); every other label there is on the account.
_PROFILE_RECORD = "/app.bsky.actor.profile/self"

# labels.json `behaviors` for the parts of a profile Dossier keeps: "avatar", "displayName" and "profileView"
# (the client shows the bio only when "profileView" is not blurred: bluesky-social/social-app,
# src/screens/Profile/Header/ProfileHeaderStandard.tsx; a blurred display name is "": src/lib/strings/display-names.ts).
# "banner" blurs wherever "avatar" does (Dossier keeps no banner); "nudity" is left out: its default setting is
# "ignore", so decision.ts drops it. The client draws a blurred avatar with a blur radius (src/view/com/util/
# UserAvatar.tsx); Dossier cannot blur a picture, so it does not keep one.
_BLURS: dict[str, dict[str, frozenset[str]]] = {
    "!hide": {
        "account": frozenset({"avatar", "displayName", "profileView"}),
        "profile": frozenset({"avatar", "displayName"}),
    },
    "!warn": {"account": frozenset({"avatar", "profileView"}), "profile": frozenset({"avatar", "displayName"})},
    NO_UNAUTHENTICATED: {
        "account": frozenset({"avatar", "displayName", "profileView"}),
        "profile": frozenset({"avatar", "displayName"}),
    },
    **{adult: {"account": frozenset({"avatar"}), "profile": frozenset({"avatar"})} for adult in HIDES_MEDIA},
}


def _counts(label: dict[str, Any], subject_did: str) -> str:
    """The label's value if the client acts on it, else "": decision.ts `addLabel` skips a self-applied label
    flagged "no-self"; a negation (`neg`) is not one to act on (the AppView leaves them out: hydration/label.ts)."""
    value = string(label.get("val"))
    if not value or label.get("neg") is True:
        return ""
    if value in _NO_SELF and string(label.get("src")) == subject_did:
        return ""
    return value


def label_values(labels: Any, subject_did: str) -> list[str]:
    """The values of `com.atproto.label.defs#label`s that are not negated (nor self-applied where not allowed)."""
    values = []
    for label in labels if isinstance(labels, list) else ():
        if value := _counts(mapping(label), subject_did):
            values.append(value)
    return values


def label_names(values: list[str]) -> tuple[str, ...]:
    """The labels a logged-out reader is told about, named once each, in order."""
    return tuple(dict.fromkeys(LABEL_NAMES[value] for value in values if value in LABEL_NAMES))


@dataclass(frozen=True, slots=True)
class ProfileModeration:
    """What the official client does with a profile's labels: the labels it names, and which parts it blurs."""

    labels: tuple[str, ...] = ()
    blurs: frozenset[str] = frozenset()  # of "avatar", "displayName", "profileView"


def moderate_profile(labels: Any, subject_did: str) -> ProfileModeration:
    """A profile view's `labels` (`app.bsky.actor.defs#profileViewDetailed`) as `moderateProfile` in
    moderation/index.ts takes them: the account's labels (subjects/account.ts keeps every label not on the
    profile record, and "!no-unauthenticated" wherever it is) and the profile record's (subjects/profile.ts)."""
    values: list[str] = []
    blurs: set[str] = set()
    for label in labels if isinstance(labels, list) else ():
        label = mapping(label)
        if not (value := _counts(label, subject_did)):
            continue
        values.append(value)
        on_record = string(label.get("uri")).endswith(_PROFILE_RECORD)
        behaviours = _BLURS.get(value, {})
        if not on_record or value == NO_UNAUTHENTICATED:
            blurs |= behaviours.get("account", frozenset())
        if on_record:
            blurs |= behaviours.get("profile", frozenset())
    return ProfileModeration(label_names(values), frozenset(blurs))
