"""Write an email to the contact and send it over SMTP, or have Mautic send one of its own emails to a contact
from Mautic (tracked there); a failure keeps the draft and says why."""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, LoadingIndicator, Select, Static

from plain.literal import one_line
from services.mailer import SendResult
from services.outbox import (
    Draft,
    EmptyPlaceholders,
    NotRecorded,
    UnknownPlaceholders,
    default_sender,
    send_to_contact,
)
from store.db import describe_error
from store.rows import ContactDetail
from store.settings import Settings
from store.templates import (
    TemplateSummary,
    contact_fields,
    email_block_reason,
    empty_placeholders,
    get_template,
    list_templates,
)
from tui.background import in_thread, sentence
from tui.context import InApp
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.email_text import empty_warning, failure_message, mautic_email_id
from tui.dialogs.keep_draft import KeepDraftDialog
from tui.inputs import TextEditor, TextInput
from tui.settings_reload import read_again
from widgets.toggles import MarkedCheckbox

SENDER_FIELDS = ("#email-from-name", "#email-from", "#email-reply-to")


class ComposeEmail(InApp, ModalScreen[bool]):
    """Dismisses with True once sent. Esc with unsent text offers to keep the draft for later."""

    BINDINGS = [
        Binding("ctrl+s", "send", "Send", priority=True, id="email.send"),
        Binding("escape", "close", "Close", id="email.close"),
    ]

    def __init__(self, detail: ContactDetail, draft: Draft | None = None) -> None:
        super().__init__()
        self._detail = detail
        self._draft = draft
        self._allow_unknown = False
        self._allow_empty = False
        self._fields: dict[str, str] = {}  # the contact's values for placeholders
        self._sender: tuple[str, str, str] = ("", "", "")  # the From name, From and Reply-To the draft began with
        self._template_text: tuple[str, str] = ("", "")
        self._templates: dict[int, TemplateSummary] = {}
        self._blocked: str | None = None

    def compose(self) -> ComposeResult:
        smtp = self.ctx.settings.smtp
        name, address = default_sender(smtp, owner=self._detail.owner)
        self._sender = (name, address, smtp.reply_to)
        draft = self._draft or Draft(
            subject="", body_text="", from_name=name, from_address=address, reply_to=smtp.reply_to
        )
        to = f"{one_line(self._detail.name)} <{one_line(self._detail.email or 'no email address')}>"
        with VerticalScroll(classes="dialog", id="email-dialog"):
            yield Static(Content.styled("Send an email", "bold"), classes="dialog-title")
            yield Static(id="email-block")
            yield MarkedCheckbox("Send anyway (override do not contact)", id="email-override")
            with Horizontal(classes="email-row"):
                yield Label("From name", classes="email-label")
                yield TextInput(draft.from_name, id="email-from-name", compact=True)
            with Horizontal(classes="email-row"):
                yield Label("From", classes="email-label")
                yield TextInput(draft.from_address, placeholder="you@company.com", id="email-from", compact=True)
            with Horizontal(classes="email-row"):
                yield Label("Reply-To", classes="email-label")
                yield TextInput(draft.reply_to, placeholder="optional", id="email-reply-to", compact=True)
            with Horizontal(classes="email-row"):
                yield Label("To", classes="email-label")
                yield Static(Content(to), id="email-to")
            with Horizontal(classes="email-row"):
                yield Label("Template", classes="email-label")
                yield Select[int]([], prompt="Import from a template…", id="email-template", compact=True)
            yield MarkedCheckbox("Have Mautic send its own email (tracked in Mautic)", id="email-via-mautic")
            with Horizontal(classes="email-row"):
                yield Label("Subject", classes="email-label")
                yield TextInput(draft.subject, id="email-subject", compact=True)
            yield TextEditor(draft.body_text, id="email-body", placeholder="Message… {firstname} works")
            yield Static(id="email-status")
            yield LoadingIndicator(id="email-sending")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Send  ctrl+s", variant="primary", id="send")
                yield Button("Close  esc", id="close")

    def on_mount(self) -> None:
        self.query_one("#email-override").display = False
        self.query_one("#email-via-mautic").display = False
        self.query_one("#email-sending").display = False
        self.set_focus(self.query_one("#email-subject"))
        self._prepare()

    def _prepare(self) -> None:
        engine = self.ctx.engine
        in_thread(
            self,
            lambda: (
                email_block_reason(engine, self._detail.id),
                list_templates(engine),
                contact_fields(engine, self._detail.id),
            ),
            lambda found: self._prepared(*found),
            group="email-prepare",
        )

    def _prepared(self, reason: str | None, templates: list[TemplateSummary], fields: dict[str, str]) -> None:
        self._blocked = reason
        self._fields = fields
        self._templates = {template.id: template for template in templates}
        block = self.query_one("#email-block", Static)
        if reason:
            block.update(Content.styled(reason, "bold $warning"))
            self.query_one("#email-override").display = self._detail.email is not None
        select = self.query_one("#email-template", Select)
        # Content, not str: a template named "Renewal [/]" is a name, not markup.
        select.set_options((Content(one_line(f"{t.name} — {t.subject}")), t.id) for t in templates)

    def _current(self) -> Draft:
        value = lambda selector: self.query_one(selector, TextInput).value  # noqa: E731
        return Draft(
            subject=value("#email-subject"),
            body_text=self.query_one("#email-body", TextEditor).text,
            body_html=self._draft.body_html if self._draft else None,
            from_name=value("#email-from-name"),
            from_address=value("#email-from"),
            reply_to=value("#email-reply-to"),
        )

    def _status(self, message: str, style: str = "bold $error") -> None:
        self.query_one("#email-status", Static).update(Content.styled(message, style))

    @on(Select.Changed, "#email-template")
    def _template_chosen(self, event: Select.Changed) -> None:
        chosen = event.value if isinstance(event.value, int) else None  # None: the blank choice
        via = self.query_one("#email-via-mautic", Checkbox)
        via.display = chosen is not None and self._mautic_email(chosen) is not None
        if not via.display:
            via.value = False
        if chosen is not None:
            self._load_template(chosen)

    def _load_template(self, template_id: int) -> None:
        engine = self.ctx.engine
        in_thread(self, lambda: get_template(engine, template_id), self._apply_template, group="email-template")

    def _apply_template(self, template) -> None:
        draft = self._current()
        typed = (draft.subject.strip() or draft.body_text.strip()) and (
            (draft.subject, draft.body_text) != self._template_text
        )

        def apply(yes: bool | None = True) -> None:
            if not yes:
                return
            self.query_one("#email-subject", TextInput).value = template.subject
            self.query_one("#email-body", TextEditor).text = template.body_text
            self._draft = replace(self._current(), body_html=template.body_html)
            self._template_text = (template.subject, template.body_text)
            self._allow_unknown = self._allow_empty = False
            empty = [
                p for text in (template.subject, template.body_text) for p in empty_placeholders(text, self._fields)
            ]
            if empty:
                self._status(empty_warning(list(dict.fromkeys(empty))), "bold $warning")
            else:
                self._status("Placeholders such as {firstname} are filled in when the email is sent.", "$text-muted")

        if typed:
            message = Content("Replace the subject and message you wrote with the template's?")
            dialog = ConfirmDialog("Import template", message, yes="Replace", no="Keep mine", default=False)
            self.app.push_screen(dialog, apply)
        else:
            apply()

    def _mautic_email(self, template_id: int) -> str | None:
        return mautic_email_id(self._templates.get(template_id), self._detail, self.ctx.settings.mautic)

    @on(Checkbox.Changed, "#email-via-mautic")
    def _via_mautic(self, event: Checkbox.Changed) -> None:
        for selector in ("#email-from-name", "#email-from", "#email-reply-to", "#email-subject", "#email-body"):
            self.query_one(selector).disabled = event.value
        if event.value:
            self._status(
                "Mautic sends its email as it is there: the sender, subject and message above are not used.",
                "$text-muted",
            )
        else:
            self._status("")

    def action_send(self) -> None:
        if self.query_one("#email-sending").display:
            return
        override = self.query_one("#email-override", Checkbox).value
        template = self.query_one("#email-template", Select).value
        through_mautic = self.query_one("#email-via-mautic", Checkbox).value and isinstance(template, int)
        if through_mautic and self._blocked and not override:
            self._status(self._blocked + " Tick “Send anyway” to override.")
            return
        self.query_one("#email-sending").display = True
        self._status("Sending…", "$text-muted")

        def send(settings: Settings) -> None:
            # Read again before each send: settings fixed in another terminal apply without a restart.
            self._new_sender(settings)
            if through_mautic and isinstance(template, int):
                self._status("Asking Mautic to send…", "$text-muted")
                self._send_through_mautic(template)
            else:
                self._send(self._current(), override)

        read_again(self, send, failed=lambda exc: self._failed(f"{sentence(exc)} Fix it and press ctrl+s again."))

    def _new_sender(self, settings: Settings) -> None:
        """The sender fields the user left as they began follow the settings read again (an empty From gets
        the address just configured); what the user typed stays."""
        new = (*default_sender(settings.smtp, owner=self._detail.owner), settings.smtp.reply_to)
        for selector, was, now in zip(SENDER_FIELDS, self._sender, new, strict=True):
            field = self.query_one(selector, TextInput)
            if field.value == was:
                field.value = now
        self._sender = new

    def _send_through_mautic(self, template_id: int) -> None:
        from services.mautic.send import send_through_mautic

        settings, email_id = self.ctx.settings.mautic, self._mautic_email(template_id)
        name = one_line(self._templates[template_id].name)
        recipient = one_line(self._detail.email or self._detail.name)

        def sent(_: None) -> None:
            self._sent(f"Mautic sent its email “{name}” to {recipient}; History shows it after the sync.")
            self.dossier.sync.start(quiet=True)  # bring the send (and Mautic's tracking) in

        in_thread(
            self,
            lambda: send_through_mautic(settings, email_id or "", self._detail.origin_id),
            sent,
            group="email-send",
            failed=lambda exc: self._failed(f"{describe_error(exc)} Press ctrl+s to try again."),
        )

    def _send(self, draft: Draft, override: bool) -> None:
        context = self.ctx
        smtp = context.settings.smtp
        allow_unknown, allow_empty = self._allow_unknown, self._allow_empty

        def send() -> SendResult:
            return send_to_contact(
                context.engine,
                self._detail.id,
                draft=draft,
                smtp=smtp,
                password=smtp.resolve_password(),
                actor=context.settings.user.name,
                now=context.clock(),
                override_dnc=override,
                allow_unknown=allow_unknown,
                allow_empty=allow_empty,
            )

        def failed(exc: Exception) -> None:
            match exc:
                case UnknownPlaceholders():
                    self._unknown(exc)
                case EmptyPlaceholders():
                    self._empty(exc)
                case NotRecorded():
                    self._sent(f"Sent, but History was not updated: {exc}", "warning")
                case _:
                    self._failed(failure_message(exc))

        in_thread(
            self,
            send,
            lambda result: self._sent(f"Email “{one_line(result.subject)}” sent to {result.recipients[0]}."),
            group="email-send",
            failed=failed,
        )

    def _unknown(self, exc: UnknownPlaceholders) -> None:
        self._allow_unknown = True
        self.query_one("#email-sending").display = False
        names = ", ".join(exc.placeholders)
        self._status(f"Unknown placeholders: {names}. Press ctrl+s again to send them as written.", "bold $warning")

    def _empty(self, exc: EmptyPlaceholders) -> None:
        self._allow_empty = True
        self.query_one("#email-sending").display = False
        them = "it as it is" if len(exc.placeholders) == 1 else "them as they are"
        self._status(f"{empty_warning(exc.placeholders)} Or press ctrl+s again to send {them}.", "bold $warning")

    def _failed(self, message: str) -> None:
        self.query_one("#email-sending").display = False
        self._status(message)

    def _sent(self, message: str, severity: SeverityLevel = "information") -> None:
        self.dossier.drafts.pop(self._detail.id, None)
        self.dossier.say(message, title="Email", severity=severity)
        self.dismiss(True)

    def unsaved_work(self) -> str | None:
        draft = self._current()
        return "the email you are writing" if draft.subject.strip() or draft.body_text.strip() else None

    def action_close(self) -> None:
        draft = self._current()
        if not (draft.subject.strip() or draft.body_text.strip()):
            self.dismiss(False)
            return

        def answered(keep: bool | None) -> None:
            if keep is None:
                return
            if keep:
                self.dossier.drafts[self._detail.id] = draft
            else:
                self.dossier.drafts.pop(self._detail.id, None)
            self.dismiss(False)

        self.app.push_screen(KeepDraftDialog(), answered)

    @on(Button.Pressed, "#send")
    def _send_pressed(self) -> None:
        self.action_send()

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_close()
