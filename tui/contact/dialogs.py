"""The dialogs the contact page opens, each with what follows its answer: the whole card, the avatar source,
segments and campaigns, a merge, a social profile, an email, do-not-contact, and the question asked when
someone else merged this contact away. A mixin of `ContactScreen`, which holds the contact they act on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plain.literal import one_line
from tui.background import in_thread
from tui.contact.header import ContactHeader

if TYPE_CHECKING:
    from store.rows import ContactDetail


class ContactDialogs:
    """Opens the contact page's dialogs; mixed into `ContactScreen`, whose contact, context and reloads
    (`contact_changed`, `_load_detail`, `action_tab`) they use."""

    detail: ContactDetail | None
    contact_id: int

    def action_details(self) -> None:
        from tui.dialogs.contact_card import ContactCardDialog

        if self.detail is not None:
            self.app.push_screen(ContactCardDialog(self.detail, self.ctx.clock()))

    def action_avatar_source(self) -> None:
        from tui.dialogs.avatar_source import AvatarSourceDialog

        if self.detail is None:
            return

        def chosen(source: str | None) -> None:
            if source is not None:
                self.query_one(ContactHeader).forget_avatar()
                self._load_detail()

        self.app.push_screen(AvatarSourceDialog(self.detail), chosen)

    def action_memberships(self, kind: str) -> None:
        from tui.dialogs.memberships import MembershipsDialog

        if self.detail is None:
            return

        def closed(changed: bool | None) -> None:
            if changed:
                self.contact_changed()

        self.app.push_screen(MembershipsDialog(kind, self.detail), closed)

    def action_merge(self) -> None:
        from tui.dialogs.merge import MergeDialog

        if self.detail is None:
            return

        def merged(merge_id: int | None) -> None:
            if merge_id is not None:
                self.dossier.say("Merged. Press u on the “Contact merged” event to undo.", title="Merge")
                self.contact_changed()

        self.app.push_screen(MergeDialog(self.detail), merged)

    def _merged_away(self, survivor: int) -> None:
        from textual.content import Content

        from tui.dialogs.confirm import ConfirmDialog

        def answer(jump: bool | None) -> None:
            if jump and self.app.screen is self:
                self.dismiss()
                self.dossier.open_contact(survivor, merged_from=self.contact_id)

        message = Content(f"Someone merged this contact into contact #{survivor}. Open that contact?")
        self.app.push_screen(ConfirmDialog("Merged away", message, yes="Open it", no="Stay here"), answer)

    def action_add_social(self) -> None:
        from tui.dialogs.social_profile import SocialProfileDialog

        async def added(ok: bool | None) -> None:
            if ok:
                await self.action_tab("social")
                self.contact_changed()

        self.app.push_screen(SocialProfileDialog(self.contact_id), added)

    def action_email(self) -> None:
        from tui.dialogs.compose_email import ComposeEmail

        if self.detail is None:
            return

        def done(sent: bool | None) -> None:
            if sent:
                self.contact_changed()

        draft = self.dossier.drafts.get(self.contact_id)
        self.app.push_screen(ComposeEmail(self.detail, draft), done)

    def action_do_not_contact(self) -> None:
        from textual.content import Content

        from store.do_not_contact import set_do_not_contact
        from tui.dialogs.confirm import ConfirmDialog

        if self.detail is None:
            return
        blocked = "email" not in self.detail.do_not_contact
        name = one_line(self.detail.name)
        if blocked:
            question = Content(f"Mark {name} as not to be emailed? Sending will need an explicit override.")
        else:
            question = Content(f"Make {name} contactable by email again?")
        context = self.ctx

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            in_thread(
                self,
                lambda: set_do_not_contact(
                    context.engine,
                    self.contact_id,
                    "email",
                    blocked,
                    actor=context.settings.user.name,
                    now=context.clock(),
                ),
                lambda _changed: self.contact_changed(),
                group="do-not-contact",
            )

        title = "Do not contact" if blocked else "Contactable again"
        self.app.push_screen(
            ConfirmDialog(title, question, yes="Mark" if blocked else "Allow", default=False), answered
        )
