"""Statements built through the real services, so a test's setup obeys the same rules."""

from __future__ import annotations

from datetime import UTC, datetime

from pressoffice.services import statements

WHEN = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)


def statement_content(**overrides):
    """Complete statement content, ready for review; override any part."""
    values = {
        "title": "Hospital waiting times",
        "topics": ["Waiting times", "NHS"],
        "lines": ["Waiting lists are falling", "We have opened two new clinics"],
        "qa": [{"question": "When will waits end?", "answer": "We expect progress by spring."}],
        "statement": "We are cutting waiting times: 2,000 more patients are seen each week.",
        "spokesperson": "Alex Minister",
        "spokesperson_role": "Minister for Health",
        "background": "Internal figures, not for quotation.",
        "review_by": "2016-12-31",
    }
    values.update(overrides)
    return values


def make_statement(author, *, now=WHEN, **overrides):
    """A draft statement written by ``author``."""
    return statements.create_statement(actor=author, now=now, **statement_content(**overrides))


def make_approved_statement(author, approver, *, now=WHEN, **overrides):
    """A statement written by ``author`` and approved by ``approver``."""
    record = make_statement(author, now=now, **overrides)
    statements.submit_statement(record.id, actor=author, now=now)
    version = statements.get_statement(record.id).version
    return statements.approve_statement(
        record.id, actor=approver, expected_version=version, now=now
    )
