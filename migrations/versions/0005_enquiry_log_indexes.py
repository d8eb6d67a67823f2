"""enquiry log indexes: every filter of the log has an index in its newest-first order, and
on PostgreSQL the free-text search and the outlet filter are indexed with pg_trgm

The log is read a page at a time from a position (received_at, id), newest first. Each filter
gets an index that ends in that order, so a page, and a count capped at 10,001 rows, are read
from an index whichever filters are chosen: (received_at, id); route; route and status;
assignee; needs attention (status alone and status with deadline already had theirs). The
single-column indexes on received_at, route, status and assignee are replaced by these.

PostgreSQL: the pg_trgm extension is created (it ships with PostgreSQL) and two GIN trigram
indexes serve "contains" searches (ILIKE '%...%'): one on the outlet, one on the text the
free-text search reads (the searched columns joined by chr(31); the expression must stay
exactly as services/enquiry_filters.py SEARCH_TEXT_SQL writes it). SQLite has no trigram
index: there the search reads the rows, newest first, until a page is full.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SEARCH_TEXT_SQL = (
    "(reference || chr(31) || journalist_name || chr(31) || outlet || chr(31) || subject"
    " || chr(31) || details || chr(31) || coalesce(email, ''))"
)

NEW_INDEXES = {
    "ix_enquiries_received_id": ["received_at", "id"],
    "ix_enquiries_route_received": ["route", "received_at", "id"],
    "ix_enquiries_route_status_received": ["route", "status", "received_at", "id"],
    "ix_enquiries_assignee_received": ["assignee_id", "received_at", "id"],
    "ix_enquiries_attention_received": ["needs_attention", "received_at", "id"],
}
OLD_INDEXES = {
    "ix_enquiries_received_at": ["received_at"],
    "ix_enquiries_route": ["route"],
    "ix_enquiries_status": ["status"],
    "ix_enquiries_assignee_id": ["assignee_id"],
}


def upgrade():
    with op.batch_alter_table("enquiries", schema=None) as batch_op:
        for name, columns in NEW_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
        for name in OLD_INDEXES:
            batch_op.drop_index(name)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_enquiries_outlet_trgm ON enquiries USING gin (outlet gin_trgm_ops)"
        )
        op.execute(
            "CREATE INDEX ix_enquiries_search_trgm ON enquiries "
            f"USING gin ({SEARCH_TEXT_SQL} gin_trgm_ops)"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_enquiries_search_trgm")
        op.execute("DROP INDEX IF EXISTS ix_enquiries_outlet_trgm")
    with op.batch_alter_table("enquiries", schema=None) as batch_op:
        for name, columns in OLD_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
        for name in NEW_INDEXES:
            batch_op.drop_index(name)
