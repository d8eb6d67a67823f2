"""no office changes: the second token row of public_changes goes, as no staff page is kept any
more; the first, renewed with anything a public page shows, stays

Revision ID: 0031
Revises: 0021
Create Date: 2026-12-08 02:00:00.000000

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

OFFICE_ROW = 2


def upgrade():
    table = sa.table("public_changes", sa.column("id", sa.Integer))
    op.execute(table.delete().where(table.c.id == OFFICE_ROW))


def downgrade():
    table = sa.table("public_changes", sa.column("id", sa.Integer), sa.column("token", sa.String))
    op.execute(table.delete().where(table.c.id == OFFICE_ROW))
    op.bulk_insert(table, [{"id": OFFICE_ROW, "token": secrets.token_hex(16)}])
