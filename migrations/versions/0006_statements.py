"""statements: lines to take with their revisions and timeline, and the statement an enquiry was
answered from

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("qa", sa.JSON(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("spokesperson", sa.String(length=120), nullable=False),
        sa.Column("spokesperson_role", sa.String(length=200), nullable=False),
        sa.Column("background", sa.Text(), nullable=False),
        sa.Column("review_by", sa.Date(), nullable=True),
        sa.Column("release_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("last_editor_id", sa.Integer(), nullable=False),
        sa.Column("approved_hash", sa.String(length=64), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("approved_version", sa.Integer(), nullable=True),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.Column("retired_reason", sa.Text(), nullable=True),
        sa.Column("notice", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "state IN ('draft', 'in_review', 'approved', 'retired')",
            name=op.f("ck_statements_statement_state"),
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_statements_approved_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_statements_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["last_editor_id"], ["users.id"], name=op.f("fk_statements_last_editor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["release_id"], ["releases.id"], name=op.f("fk_statements_release_id_releases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statements")),
    )
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_statements_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_statements_review_by"), ["review_by"], unique=False)
        batch_op.create_index(batch_op.f("ix_statements_release_id"), ["release_id"], unique=False)

    op.create_table(
        "statement_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("editor_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["editor_id"], ["users.id"], name=op.f("fk_statement_revisions_editor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_statement_revisions_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_revisions")),
        sa.UniqueConstraint("statement_id", "number", name="uq_statement_revision_number"),
    )

    op.create_table(
        "statement_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_statement_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_statement_events_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_events")),
    )
    with op.batch_alter_table("statement_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statement_events_statement_id"), ["statement_id"], unique=False
        )

    with op.batch_alter_table("enquiries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("statement_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("statement_version", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_enquiries_statement_id"), ["statement_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_enquiries_statement_id_statements"),
            "statements",
            ["statement_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("enquiries", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_enquiries_statement_id_statements"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_enquiries_statement_id"))
        batch_op.drop_column("statement_version")
        batch_op.drop_column("statement_id")
    with op.batch_alter_table("statement_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statement_events_statement_id"))
    op.drop_table("statement_events")
    op.drop_table("statement_revisions")
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statements_release_id"))
        batch_op.drop_index(batch_op.f("ix_statements_review_by"))
        batch_op.drop_index(batch_op.f("ix_statements_state"))
    op.drop_table("statements")
