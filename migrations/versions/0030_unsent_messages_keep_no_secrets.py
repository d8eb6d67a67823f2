"""outbox rows that will not be sent (cancelled, failed) keep no personal link's secret: the
embargoed-preview and unsubscribe tokens in their words and headers are taken out, as they
already were from sent ones

Revision ID: 0030
Revises: 0021
Create Date: 2026-12-08 02:00:00

"""

import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0030"
down_revision = "0021"
branch_labels = None
depends_on = None

# The same links as ``services.outbox._SECRET_LINK``, written out so the migration stands alone.
_SECRET_LINK = re.compile(r"(/(?:preview|unsubscribe)/)[A-Za-z0-9_-]{43}")
_NOTE = r"\1(link not kept: not sent)"

outbox = sa.table(
    "outbox_messages",
    sa.column("id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("body_text", sa.Text),
    sa.column("body_html", sa.Text),
    sa.column("headers", sa.JSON),
)


def upgrade():
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(outbox.c.id, outbox.c.body_text, outbox.c.body_html, outbox.c.headers)
            .where(outbox.c.status.in_(("cancelled", "failed")), outbox.c.id > last)
            .order_by(outbox.c.id)
            .limit(1000)
        ).all()
        if not rows:
            break
        last = rows[-1].id
        for row in rows:
            headers = {k: _SECRET_LINK.sub(_NOTE, v) for k, v in (row.headers or {}).items()}
            text = _SECRET_LINK.sub(_NOTE, row.body_text)
            html = _SECRET_LINK.sub(_NOTE, row.body_html) if row.body_html else row.body_html
            if (text, html, headers) != (row.body_text, row.body_html, row.headers or {}):
                connection.execute(
                    outbox.update()
                    .where(outbox.c.id == row.id)
                    .values(body_text=text, body_html=html, headers=headers)
                )


def downgrade():
    # The secrets are gone for good, as intended: nothing to put back.
    pass
