"""office changes: a second token row in public_changes, changed with a write to any table a
staff page shows, so that rendered staff pages can be kept until then

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 07:00:00.000000

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

OFFICE_ROW = 2


def upgrade():
    table = sa.table("public_changes", sa.column("id", sa.Integer), sa.column("token", sa.String))
    op.execute(table.delete().where(table.c.id == OFFICE_ROW))
    op.bulk_insert(table, [{"id": OFFICE_ROW, "token": secrets.token_hex(16)}])


def downgrade():
    table = sa.table("public_changes", sa.column("id", sa.Integer))
    op.execute(table.delete().where(table.c.id == OFFICE_ROW))
