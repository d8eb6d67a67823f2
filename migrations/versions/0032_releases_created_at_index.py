"""releases created at index: the enquiry forms list the newest releases (id and title only)
read from a (created_at, id) index instead of sorting every release

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-08 03:31:50.718250

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("releases", schema=None) as batch_op:
        batch_op.create_index("ix_releases_created_at_id", ["created_at", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("releases", schema=None) as batch_op:
        batch_op.drop_index("ix_releases_created_at_id")
