"""A revision's body is rendered to safe HTML once, when it is saved, and every public page of
it shows that HTML: the page, the feed and the public API never render the Markdown again."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import Release, ReleaseRevision

from ..factories import create_release


def _public_revision(release) -> ReleaseRevision:
    row = db.session.get(Release, release.id)
    return db.session.get(ReleaseRevision, row.public_revision_id)


def test_a_saved_revision_keeps_its_body_as_safe_html(app_ctx, officer, approver):
    release = create_release(
        state="published",
        author=officer,
        approver=approver,
        body="# Findings\n\nInspectors were **pleased**.\n\n<script>alert(1)</script>",
    )

    html = _public_revision(release).body_html

    assert "<h2>Findings</h2>" in html
    assert "<strong>pleased</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_release_page_feed_and_public_api_show_the_html_stored_with_the_revision(
    app_ctx, page, officer, approver
):
    release = create_release(state="published", author=officer, approver=approver)
    revision = _public_revision(release)
    # What a later change of the renderer could not alter: the HTML of the approved revision.
    revision.body_html = "<p>As rendered when it was saved</p>"
    db.session.commit()

    shown = page.get(f"/news/{release.slug}")
    feed = page.client.get("/news.atom").text
    api = page.client.get(f"/api/v1/public/releases/{release.slug}").get_json()

    assert shown.select_one(".release__body").text.strip() == "As rendered when it was saved"
    assert "As rendered when it was saved" in feed
    assert "As rendered when it was saved" in str(api)


def test_the_migration_renders_the_bodies_of_revisions_saved_before_it(tmp_path):
    from flask_migrate import upgrade

    from pressoffice import create_app

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.db'}"})
    at = datetime(2016, 1, 1, tzinfo=UTC).replace(tzinfo=None)
    with app.app_context():
        upgrade(revision="0002")
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO users (id, email, name, role, password_hash, active, "
                    "session_nonce, created_at) VALUES (1, 'a@example.org', 'A', 'officer', "
                    "'x', 1, 'n', :at)"
                ),
                {"at": at},
            )
            connection.execute(
                sa.text(
                    "INSERT INTO releases (id, slug, state, version, title, summary, body, "
                    "quotes, links, notes, author_id, last_editor_id, created_at, updated_at) "
                    "VALUES (1, 'r', 'draft', 1, 'T', 'S', 'B', '[]', '[]', '[]', 1, 1, :at, :at)"
                ),
                {"at": at},
            )
            connection.execute(
                sa.text(
                    "INSERT INTO release_revisions (id, release_id, number, title, summary, "
                    "body, quotes, links, notes, attachments, content_hash, editor_id, "
                    "created_at) VALUES (1, 1, 1, 'T', 'S', 'Some **bold** words', '[]', '[]', "
                    "'[]', '[]', 'h', 1, :at)"
                ),
                {"at": at},
            )
        upgrade(revision="0003")
        with db.engine.connect() as connection:
            html = connection.execute(
                sa.text("SELECT body_html FROM release_revisions WHERE id = 1")
            ).scalar()
        db.engine.dispose()

    assert html == "<p>Some <strong>bold</strong> words</p>\n"
