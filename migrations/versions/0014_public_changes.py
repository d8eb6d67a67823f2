"""public changes: one row whose token changes with anything a public page shows, so that
rendered public pages can be kept until then

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 03:10:00.000000

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "public_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_changes")),
    )
    op.bulk_insert(table, [{"id": 1, "token": secrets.token_hex(16)}])


def downgrade():
    op.drop_table("public_changes")
