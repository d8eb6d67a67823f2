"""Demo media contacts: the journalists of the demo enquiries and a few more, on two lists, one
of them marked do not contact."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..services import contact_lists, contacts
from ..timefmt import to_london

CONTACTS = [
    ("Priya Shah", "BBC News", "priya.shah@bbc.example", "020 7946 0101", ["Health", "NHS"]),
    ("Tom Hughes", "The Guardian", "tom.hughes@guardian.example", "", ["Health", "Politics"]),
    ("Chloe Martin", "Financial Times", "chloe.martin@ft.example", "", ["Economy"]),
    ("Ravi Patel", "Press Association", "ravi.patel@pa.example", "07911 123456", ["Health"]),
    ("Eleanor Price", "The Times", "eleanor.price@times.example", "", ["Education"]),
    ("Kofi Mensah", "Reuters", "kofi.mensah@reuters.example", "", ["Economy", "Health"]),
    ("Gareth Lewis", "Western Mail", "g.lewis@westernmail.example", "029 2024 3600", ["Wales"]),
]
LISTS = {
    "Health correspondents": ["Priya Shah", "Tom Hughes", "Ravi Patel", "Kofi Mensah"],
    "National newsdesks": ["Priya Shah", "Chloe Martin", "Eleanor Price", "Kofi Mensah"],
}


def seed_contacts(now: datetime, users: dict) -> None:
    """Add the demo contacts and lists."""
    officer = users.get("officer@example.org")
    consent_day = (to_london(now) - timedelta(days=200)).date().isoformat()
    made = {}
    for name, outlet, email, phone, beats in CONTACTS:
        made[name] = contacts.create_contact(
            {
                "name": name,
                "outlet": outlet,
                "email": email,
                "phone": phone,
                "beats": beats,
                "consent_basis": "legitimate_interests",
                "consent_at": consent_day,
                "do_not_contact": name == "Eleanor Price",
                "do_not_contact_reason": (
                    "Asked by email to receive no more releases" if name == "Eleanor Price" else ""
                ),
            },
            actor=officer,
            now=now,
        ).id
    for list_name, members in LISTS.items():
        created = contact_lists.create_list(list_name, actor=officer, now=now)
        contact_lists.add_members(
            created.id, [made[name] for name in members], actor=officer, now=now
        )
