"""revision body html: each revision keeps its body as safe HTML, rendered once when saved

A revision never changes, so the Markdown of its body is rendered and sanitised once, when the
revision is written, instead of on every request for the release page, the newsroom, the feed
and the public API. Existing revisions are rendered here, in batches.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 09:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BATCH = 500


def upgrade():
    with op.batch_alter_table("release_revisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_html", sa.Text(), nullable=True))

    # The same rendering the app applies when it saves a revision.
    from pressoffice.domain.render import render_markdown

    connection = op.get_bind()
    revisions = sa.table(
        "release_revisions",
        sa.column("id", sa.Integer),
        sa.column("body", sa.Text),
        sa.column("body_html", sa.Text),
    )
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(revisions.c.id, revisions.c.body)
            .where(revisions.c.id > last_id, revisions.c.body_html.is_(None))
            .order_by(revisions.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            revisions.update()
            .where(revisions.c.id == sa.bindparam("revision_id"))
            .values(body_html=sa.bindparam("html")),
            [{"revision_id": row.id, "html": render_markdown(row.body)} for row in rows],
        )
        last_id = rows[-1].id


def downgrade():
    with op.batch_alter_table("release_revisions", schema=None) as batch_op:
        batch_op.drop_column("body_html")
