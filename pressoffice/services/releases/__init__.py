"""Release use cases: drafting, sign-off, publication, corrections, and what the public sees.

One module per group of use cases; this package answers for all of them, so callers say
``releases.approve_release`` without knowing which module holds it:

- ``revisions``: what every use case stands on: the locked release, its revisions, the timeline;
- ``drafting``: create, edit, the revision an attachment change makes;
- ``deletion``: deleting a draft never submitted, keeping the fact;
- ``transitions``: submit, approve, request changes, publish, schedule, unschedule, withdraw;
- ``signoff_rules``: the quote sign-off rules a release use case applies;
- ``listing``: reading, for staff;
- ``history``: the timeline, the revisions and their comparison;
- ``public``: the only way anything of a release reaches the public.

Each write use case is one unit of work (``services.unit_of_work``): it locks the release first,
reads what it decides on, asks ``domain.workflow``, changes the release, writes the revision and
the timeline entry, and commits. A refusal raises one of ``services.errors`` with the domain's
words, and changes nothing.
"""

from .deletion import delete_draft, deleted_drafts
from .drafting import create_release, record_attachment_change, update_release
from .history import (
    DiffRow,
    FieldComparison,
    ReleaseHistory,
    RevisionComparison,
    compare_revisions,
    release_history,
)
from .listing import (
    MAX_PAGE,
    MAX_PER_PAGE,
    ReleaseTasks,
    display_statuses,
    get_release,
    has_pending_correction,
    list_releases,
    release_actions,
    release_status,
    release_tasks,
    why_not,
)
from .public import (
    DEFAULT_PER_PAGE,
    PUBLIC_NOT_FOUND,
    Correction,
    PublicRelease,
    contact_details,
    latest_public_releases,
    list_public_releases,
    load_public_attachment,
    load_public_release,
    public_clause,
)
from .revisions import (
    attachments_snapshot,
    content_as_dict,
    latest_revision,
    lock_release,
    record_event,
    revision_content,
    working_content,
)
from .transitions import (
    TRANSITIONS,
    approve_release,
    break_embargo,
    publish_release,
    request_changes,
    schedule_release,
    submit_release,
    unschedule_release,
    withdraw_release,
)

__all__ = [
    "DEFAULT_PER_PAGE",
    "MAX_PAGE",
    "MAX_PER_PAGE",
    "PUBLIC_NOT_FOUND",
    "TRANSITIONS",
    "Correction",
    "DiffRow",
    "FieldComparison",
    "PublicRelease",
    "ReleaseHistory",
    "ReleaseTasks",
    "RevisionComparison",
    "approve_release",
    "attachments_snapshot",
    "break_embargo",
    "compare_revisions",
    "contact_details",
    "content_as_dict",
    "create_release",
    "delete_draft",
    "deleted_drafts",
    "display_statuses",
    "get_release",
    "has_pending_correction",
    "latest_public_releases",
    "latest_revision",
    "list_public_releases",
    "list_releases",
    "load_public_attachment",
    "load_public_release",
    "lock_release",
    "public_clause",
    "publish_release",
    "record_attachment_change",
    "record_event",
    "release_actions",
    "release_history",
    "release_status",
    "release_tasks",
    "request_changes",
    "revision_content",
    "schedule_release",
    "submit_release",
    "unschedule_release",
    "update_release",
    "why_not",
    "withdraw_release",
    "working_content",
]
