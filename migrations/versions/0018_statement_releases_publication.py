"""statements: any number of linked releases (the single link moved into statement_releases),
and publication in the newsroom

The statements table is only added to, never rebuilt: rebuilding it on SQLite (the batch way of
dropping a column) would drop the old table with foreign keys on, taking every revision and
timeline entry with it. So the old ``release_id`` column stays, emptied, and the new slug is
unique through an index.

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-02 03:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0016"
branch_labels = None
depends_on = None

NEW_COLUMNS = (
    ("publication", sa.String(length=20)),
    ("slug", sa.String(length=120)),
    ("public_revision_id", sa.Integer()),
    ("published_at", sa.DateTime()),
    ("public_updated_at", sa.DateTime()),
    ("withdrawn_at", sa.DateTime()),
    ("withdrawal_reason", sa.Text()),
)


def upgrade():
    op.create_table(
        "statement_releases",
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["releases.id"],
            name=op.f("fk_statement_releases_release_id_releases"),
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_statement_releases_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("statement_id", "release_id", name=op.f("pk_statement_releases")),
    )
    op.create_index(op.f("ix_statement_releases_release_id"), "statement_releases", ["release_id"])
    # Each statement's one linked release becomes its first (and only) link.
    op.execute(
        "INSERT INTO statement_releases (statement_id, release_id, position) "
        "SELECT id, release_id, 0 FROM statements WHERE release_id IS NOT NULL"
    )
    op.execute("UPDATE statements SET release_id = NULL")

    for name, kind in NEW_COLUMNS:
        op.add_column("statements", sa.Column(name, kind, nullable=True))
    op.create_index(op.f("ix_statements_publication"), "statements", ["publication"])
    op.create_index(op.f("ix_statements_published_at"), "statements", ["published_at"])
    op.create_index(op.f("ix_statements_slug"), "statements", ["slug"], unique=True)


def downgrade():
    # Only the first link survives going back to one release a statement.
    op.execute(
        "UPDATE statements SET release_id = (SELECT release_id FROM statement_releases "
        "WHERE statement_releases.statement_id = statements.id ORDER BY position LIMIT 1)"
    )
    op.drop_index(op.f("ix_statements_slug"), table_name="statements")
    op.drop_index(op.f("ix_statements_published_at"), table_name="statements")
    op.drop_index(op.f("ix_statements_publication"), table_name="statements")
    for name, _kind in reversed(NEW_COLUMNS):
        # Plain ALTER TABLE (SQLite 3.35+ and PostgreSQL): never a rebuild of the table.
        op.execute(f"ALTER TABLE statements DROP COLUMN {name}")
    op.drop_index(op.f("ix_statement_releases_release_id"), table_name="statement_releases")
    op.drop_table("statement_releases")
