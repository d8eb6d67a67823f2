"""forward look: planned entries on the grid and their timeline

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-02 03:10:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "planned_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", sa.Time(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("announced", sa.Boolean(), nullable=False),
        sa.Column("public_title", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=True),
        sa.Column("cancelled_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('provisional', 'confirmed', 'cancelled')",
            name=op.f("ck_planned_entries_planned_status"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_planned_entries_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_planned_entries_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["release_id"], ["releases.id"], name=op.f("fk_planned_entries_release_id_releases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_entries")),
        sa.UniqueConstraint("release_id", name=op.f("uq_planned_entries_release_id")),
    )
    with op.batch_alter_table("planned_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_planned_entries_day"), ["day"], unique=False)

    op.create_table(
        "planned_entry_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("from_day", sa.Date(), nullable=True),
        sa.Column("from_at", sa.Time(), nullable=True),
        sa.Column("to_day", sa.Date(), nullable=True),
        sa.Column("to_at", sa.Time(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_planned_entry_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["planned_entries.id"],
            name=op.f("fk_planned_entry_events_entry_id_planned_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_entry_events")),
    )
    with op.batch_alter_table("planned_entry_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_planned_entry_events_entry_id"), ["entry_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("planned_entry_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_planned_entry_events_entry_id"))
    op.drop_table("planned_entry_events")
    with op.batch_alter_table("planned_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_planned_entries_day"))
    op.drop_table("planned_entries")
