"""Fixed texts for the demo database: email templates, segments, campaigns and note wording."""

from __future__ import annotations

from typing import NamedTuple


class Template(NamedTuple):
    name: str
    subject: str
    body_text: str
    body_html: str | None


TEMPLATES: tuple[Template, ...] = (
    Template(
        "Welcome",
        "Welcome to Example, {firstname}!",
        "Hi {firstname},\n\nThanks for signing up. Your workspace is ready.\n\nThe Example team",
        "<p>Hi {firstname},</p><p>Thanks for signing up. Your workspace is ready.</p><p>The Example team</p>",
    ),
    Template(
        "Newsletter",
        "What's new at Example",
        "Hi {firstname},\n\nThree new features, two customer stories and one webinar.\n\nRead on: https://www.example.com/blog",
        "<h1>What's new</h1><p>Hi {firstname}, three new features, two stories, one webinar.</p>",
    ),
    Template(
        "Black Friday",
        "Black Friday deals: 40% off annual plans",
        "Hi {firstname},\n\nUntil Monday, every annual plan is 40% off.\n\nhttps://www.example.com/pricing",
        "<p>Hi {firstname},</p><p><strong>40% off</strong> every annual plan until Monday.</p>",
    ),
    Template(
        "Webinar invite",
        "Join our Q3 roadmap webinar",
        "Hi {firstname},\n\nSee what we are building next, live, on Thursday at 16:00 CET.",
        None,
    ),
    Template(
        "Trial ending",
        "Your trial ends in 3 days",
        "Hi {firstname},\n\nYour trial ends in three days. Reply to this email if you need more time.",
        None,
    ),
    Template(
        "Demo follow-up",
        "Great talking to you, {firstname}",
        "Hi {firstname},\n\nThanks for your time today. As promised, the proposal is attached.\n\nBest,\n{owner}",
        None,
    ),
    Template(
        "Case study",
        "How Nordlicht cut churn by 30%",
        "Hi {firstname},\n\nNordlicht's marketing team automated onboarding and cut churn by 30%.",
        "<p>Hi {firstname},</p><p>Nordlicht automated onboarding and cut churn by <em>30%</em>.</p>",
    ),
    Template(
        "Re-engagement",
        "We miss you, {firstname}",
        "Hi {firstname},\n\nIt has been a while. Here is what changed since your last visit.",
        None,
    ),
)

# (name, description, published); market segments are filled by country, the rest by chance.
SEGMENTS: tuple[tuple[str, str, bool], ...] = (
    ("Newsletter", "Everyone who asked for the newsletter", True),
    ("Trial users", "Started a free trial", True),
    ("Customers", "Paying accounts", True),
    ("EMEA", "Europe, Middle East and Africa", True),
    ("North America", "United States and Canada", True),
    ("APAC", "Asia-Pacific", True),
    ("LATAM", "Latin America", True),
    ("Webinar attendees", "Registered for at least one webinar", True),
    ("High intent", "Visited pricing twice in a week", True),
    ("Churn risk", "Customers with falling usage", True),
    ("Partners", "Agencies and resellers", True),
    ("Old import 2023", "Legacy list from the previous CRM", False),
)
MARKET_SEGMENTS = ("EMEA", "North America", "APAC", "LATAM")

CAMPAIGNS: tuple[tuple[str, str, bool], ...] = (
    ("Onboarding drip", "Five emails over the first two weeks", True),
    ("Black Friday 2025", "Discount on annual plans", True),
    ("Webinar: Q3 roadmap", "Invite, reminder and replay", True),
    ("Win-back", "For contacts inactive for 90 days", True),
    ("Enterprise ABM", "Account-based outreach to large companies", True),
    ("Spring promo (draft)", "Not launched yet", False),
)

NOTE_TYPES = (("general", 35), ("call", 30), ("meeting", 20), ("email", 15))
NOTES: dict[str, tuple[str, ...]] = {
    "general": (
        "Prefers to be contacted by email.",
        "Met {firstname} at {event}; interested in the automation add-on.",
        "## Account summary\n\n- **Plan:** {plan}\n- **Seats:** {seats}\n- Currently uses {tool}\n\n"
        "Procurement needs a *security review* before signing.",
        "Spoke to their assistant; {firstname} is on leave until next month.",
        "Budget approved for Q3.\nDecision maker: their CFO.",
    ),
    "call": (
        "Call with {firstname}: discussed pricing for {seats} seats. Follow up with a quote.",
        "Left a voicemail.",
        "Discovery call\n\n1. Current tool: {tool}\n2. Pain: manual list imports\n3. Next: demo with their team",
        "Quick check-in, no blockers. Renewal on track.",
    ),
    "meeting": (
        "Demo meeting with {firstname} and their team at {company}.",
        "Quarterly business review\n\n- usage up 20%\n- wants SSO\n- **Action:** send SSO docs",
        "Lunch meeting at {event}.",
        "Contract negotiation: they ask for the {plan} plan at last year's price.",
    ),
    "email": (
        "Sent the proposal and the security whitepaper.",
        "Replied to their question about GDPR data residency.",
        "Forwarded the {plan} plan comparison to {firstname}.",
    ),
}
# Calls and meetings booked ahead: the calendar's upcoming entries.
PLANNED: dict[str, tuple[str, ...]] = {
    "call": (
        "Follow-up call with {firstname} about the {plan} plan.",
        "Call {firstname} back: they wanted to check the quote with their CFO first.",
    ),
    "meeting": (
        "Demo for {firstname} and their team at {company}.",
        "Contract review\n\n- bring the {plan} plan comparison\n- ask about {seats} extra seats",
    ),
}
