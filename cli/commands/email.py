"""`dossier email CONTACT`: send one email from a script, with the rules of the compose dialog.

Exit code 0 once the server accepted the email; errors (`MailError`, `TemplateNotFound`,
`ContactNotFound`, ...) propagate to `cli.main`, which prints them as one `dossier:` line, exit 1.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from cli.common import database, say
from cli.registry import Command, db_option


def _arguments(email: argparse.ArgumentParser) -> None:
    email.add_argument("contact", help="the contact's id or email address")
    db_option(email)
    email.add_argument("--subject", help="the subject (default: the template's)")
    body = email.add_mutually_exclusive_group(required=True)
    body.add_argument("--body", help="the text of the email; - reads it from standard input")
    body.add_argument("--template", metavar="NAME", help="an email template, by name or id")
    email.add_argument(
        "--from", dest="from_address", metavar="ADDR", help="sender address (default: smtp.from_address)"
    )
    email.add_argument("--from-name", metavar="NAME", help="sender name (default: smtp.from_name)")
    email.add_argument("--reply-to", metavar="ADDR", help="where replies go (default: smtp.reply_to)")
    email.add_argument("--force-dnc", action="store_true", help="send even if the contact is marked do not contact")
    email.add_argument(
        "--allow-unknown", action="store_true", help="send even if a placeholder matches no contact field"
    )
    email.add_argument(
        "--allow-empty",
        action="store_true",
        help="send even if a placeholder's field is empty for this contact ({owner|default} gives a default)",
    )


def _run(args: argparse.Namespace) -> int:
    """Send the email the arguments describe; returns the exit code."""
    from services.outbox import (
        Draft,
        EmptyPlaceholders,
        NotRecorded,
        UnknownPlaceholders,
        default_sender,
        send_to_contact,
    )
    from store.contacts import resolve_contact
    from store.settings import load_settings
    from store.templates import contact_fields, find_template, with_default

    settings = load_settings()
    smtp = settings.smtp
    with database(args) as engine:
        contact_id, _merged_from = resolve_contact(engine, args.contact)
        subject, body_text, body_html = args.subject, args.body, None
        if args.template is not None:
            template = find_template(engine, args.template)
            subject = template.subject if subject is None else subject
            body_text, body_html = template.body_text, template.body_html
        elif body_text == "-":
            body_text = sys.stdin.read()
        from_name, from_address = default_sender(smtp, owner=contact_fields(engine, contact_id)["owner"])
        draft = Draft(
            subject=subject or "",
            body_text=body_text or "",
            body_html=body_html,
            from_name=from_name if args.from_name is None else args.from_name,
            from_address=from_address if args.from_address is None else args.from_address,
            reply_to=smtp.reply_to if args.reply_to is None else args.reply_to,
        )
        try:
            result = send_to_contact(
                engine,
                contact_id,
                draft=draft,
                smtp=smtp,
                password=smtp.resolve_password(),
                actor=settings.user.name,
                now=datetime.now(UTC),
                override_dnc=args.force_dnc,
                allow_unknown=args.allow_unknown,
                allow_empty=args.allow_empty,
            )
        except UnknownPlaceholders as exc:
            raise UnknownPlaceholders(exc.placeholders, hint="pass --allow-unknown to send them as written") from None
        except EmptyPlaceholders as exc:
            example = with_default(exc.placeholders[0])
            hint = f"give a default ({example}) or pass --allow-empty to send them empty"
            raise EmptyPlaceholders(exc.placeholders, hint=hint) from None
        except NotRecorded as exc:
            # The email is out: a script that retried on failure would send it twice, so this is success.
            say(f"dossier: warning: {exc}")
            result = exc.result
    say(f"Sent {result.subject!r} to {', '.join(result.recipients)} ({result.message_id}).")
    return 0


COMMANDS = (Command("email", "send an email to a contact through the configured SMTP server", _arguments, _run),)
