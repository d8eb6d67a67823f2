"""Statement (lines to take) use cases: drafting, sign-off, reading, and answering enquiries.

One module per group; this package answers for all of them:

- ``records``: what every use case stands on: the locked statement, its revisions, the timeline;
- ``drafting``: create and edit (every save a revision; an edit voids the approval);
- ``transitions``: submit, approve, request changes, retire;
- ``reading``: one statement, the search, the timeline, revisions compared, who was told what;
- ``answering``: the statements offered for an enquiry, and the check that one may be given;
- ``publication``: publish in the newsroom and withdraw (the release rules for visibility);
- ``public``: what the public sees of published statements, and nothing else.

Each write use case is one unit of work (``services.unit_of_work``) that locks the statement row
first, asks ``domain.statements`` (whose sign-off rules are ``domain.signoff``, shared with
releases), changes it, writes the revision and the timeline entry, and commits. A refusal raises
one of ``services.errors`` with the domain's words, and changes nothing.
"""

from .answering import StatementChoice, statement_for_answer, statements_for_enquiry
from .drafting import create_statement, update_statement
from .public import PublicStatement, latest_public_statements, load_public_statement
from .publication import publish_statement, withdraw_statement
from .reading import (
    AnsweredEnquiry,
    StatementHistory,
    answered_from,
    compare_statement_revisions,
    get_statement,
    list_statements,
    statement_actions,
    statement_content,
    statement_facts,
    statement_history,
    statement_status,
    statements_going_stale,
)
from .records import lock_statement
from .transitions import (
    approve_statement,
    request_statement_changes,
    retire_statement,
    submit_statement,
)

__all__ = [
    "AnsweredEnquiry",
    "PublicStatement",
    "StatementChoice",
    "StatementHistory",
    "answered_from",
    "approve_statement",
    "compare_statement_revisions",
    "create_statement",
    "get_statement",
    "latest_public_statements",
    "list_statements",
    "load_public_statement",
    "lock_statement",
    "publish_statement",
    "request_statement_changes",
    "retire_statement",
    "statement_actions",
    "statement_content",
    "statement_facts",
    "statement_for_answer",
    "statement_history",
    "statement_status",
    "statements_for_enquiry",
    "statements_going_stale",
    "submit_statement",
    "update_statement",
    "withdraw_statement",
]
