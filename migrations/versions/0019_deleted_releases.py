"""deleted drafts: what is kept of a draft deleted before it was ever submitted (its number,
headline, author, who deleted it and when), with no key to the release that is gone

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 03:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "deleted_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("versions", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("deleted_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_deleted_releases_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"], ["users.id"], name=op.f("fk_deleted_releases_deleted_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deleted_releases")),
        sa.UniqueConstraint("release_id", name=op.f("uq_deleted_releases_release_id")),
    )
    with op.batch_alter_table("deleted_releases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deleted_releases_deleted_at"), ["deleted_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("deleted_releases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deleted_releases_deleted_at"))
    op.drop_table("deleted_releases")
