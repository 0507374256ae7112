"""Why a contact is not to be contacted, in Mautic's words and codes: apart from `store.do_not_contact` so
`dossier dnc`'s arguments are built without the database layer."""

REASONS = ("unsubscribed", "bounced", "manual")
REASON_CODES = {"unsubscribed": 1, "bounced": 2, "manual": 3}  # Mautic's DoNotContact constants
