"""One contact on one screen: `screen.py` (the page, its keys and dialogs), `header.py` (who the contact is,
the avatar and the activity chart) and `tabs/` (one module per tab, found by `tabs.tab_classes()`)."""
