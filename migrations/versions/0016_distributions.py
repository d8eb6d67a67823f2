"""distributions: a release sent to media lists, and each recipient's place in it

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-02 03:20:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "distributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("send_at", sa.DateTime(), nullable=False),
        sa.Column("list_names", sa.JSON(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("cancel_reason", sa.String(length=300), nullable=True),
        sa.CheckConstraint(
            "kind IN ('embargoed_copy', 'on_publication')", name=op.f("ck_distributions_kind")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_distributions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["releases.id"],
            name=op.f("fk_distributions_release_id_releases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_distributions")),
    )
    with op.batch_alter_table("distributions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_distributions_release_id"), ["release_id"], unique=False
        )
        batch_op.create_index(
            "ix_distributions_due", ["dispatched_at", "cancelled_at", "send_at"], unique=False
        )

    op.create_table(
        "distribution_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("distribution_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("outlet", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.Column("embargo_recipient_id", sa.Integer(), nullable=True),
        sa.Column("unsubscribe_hash", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_distribution_recipients_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["distribution_id"],
            ["distributions.id"],
            name=op.f("fk_distribution_recipients_distribution_id_distributions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["embargo_recipient_id"],
            ["embargo_recipients.id"],
            name=op.f("fk_distribution_recipients_embargo_recipient_id_embargo_recipients"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_distribution_recipients")),
        sa.UniqueConstraint("distribution_id", "contact_id", name="uq_distribution_contact"),
        sa.UniqueConstraint(
            "unsubscribe_hash", name=op.f("uq_distribution_recipients_unsubscribe_hash")
        ),
    )
    with op.batch_alter_table("distribution_recipients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_distribution_recipients_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_distribution_recipients_outbox_message_id"),
            ["outbox_message_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_distribution_recipients_status", ["distribution_id", "status"], unique=False
        )


def downgrade():
    op.drop_table("distribution_recipients")
    op.drop_table("distributions")
