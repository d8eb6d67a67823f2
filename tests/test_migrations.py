"""The schema comes from the migrations, and the migrations match the models."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from pressoffice import models
from pressoffice.extensions import db


def migration_head(app) -> str:
    """The newest revision in migrations/versions (there must be exactly one)."""
    from alembic.script import ScriptDirectory

    config = app.extensions["migrate"].migrate.get_config()
    [head] = ScriptDirectory.from_config(config).get_heads()
    return head


def test_migrated_schema_matches_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    # The trigram indexes exist on PostgreSQL only, created by the migration, not the models.
    differences = [
        d
        for d in differences
        if not (d[0] == "remove_index" and d[1].name in models.POSTGRESQL_ONLY_INDEXES)
    ]
    assert differences == [], f"models and migrations differ: {differences}"


def test_upgrade_from_an_empty_database_reaches_the_head(tmp_path):
    from flask_migrate import upgrade

    from pressoffice import create_app

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.db'}"})
    with app.app_context():
        upgrade()
        head = migration_head(app)
        with db.engine.connect() as connection:
            version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            tables = set(sa.inspect(connection).get_table_names())
    assert version == head
    assert {"users", "releases", "enquiries", "api_tokens"} <= tables
    assert "user" not in tables


def test_the_release_a_statement_served_becomes_its_first_link(tmp_path):
    """Migration 0018: each statement's single linked release moves into statement_releases,
    and going back keeps the first link."""
    from flask_migrate import downgrade, upgrade

    from pressoffice import create_app

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'l.db'}"})
    with app.app_context():
        upgrade(revision="0016")
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO users (id, email, name, role, password_hash, active, created_at) "
                "VALUES (1, 'a@example.org', 'A', 'officer', 'x', 1, '2016-11-29 10:00:00')"
            )
            connection.exec_driver_sql(
                "INSERT INTO releases (id, slug, state, version, title, summary, body, quotes, "
                "links, notes, author_id, last_editor_id, created_at, updated_at) VALUES "
                "(7, 'r', 'draft', 1, 'R', '', '', '[]', '[]', '[]', 1, 1, "
                "'2016-11-29 10:00:00', '2016-11-29 10:00:00')"
            )
            for sid, release_id in ((1, 7), (2, None)):
                connection.exec_driver_sql(
                    "INSERT INTO statements (id, state, version, title, topics, lines, qa, "
                    "statement, spokesperson, spokesperson_role, background, release_id, "
                    "author_id, last_editor_id, created_at, updated_at) VALUES "
                    f"({sid}, 'draft', 1, 'S', '[]', '[]', '[]', '', '', '', '', "
                    f"{release_id or 'NULL'}, 1, 1, '2016-11-29 10:00:00', '2016-11-29 10:00:00')"
                )
                connection.exec_driver_sql(
                    "INSERT INTO statement_revisions (statement_id, number, content, "
                    "content_hash, editor_id, created_at) VALUES "
                    f"({sid}, 1, '{{}}', 'h', 1, '2016-11-29 10:00:00')"
                )
        upgrade(revision="0018")
        with db.engine.connect() as connection:
            links = connection.exec_driver_sql(
                "SELECT statement_id, release_id, position FROM statement_releases"
            ).all()
            columns = {c["name"] for c in sa.inspect(connection).get_columns("statements")}
            old_links = connection.exec_driver_sql("SELECT release_id FROM statements").all()
            revisions = connection.exec_driver_sql(
                "SELECT count(*) FROM statement_revisions"
            ).scalar()
        assert links == [(1, 7, 0)]
        assert old_links == [(None,), (None,)]
        assert "publication" in columns
        assert revisions == 2  # the statements table is added to, never rebuilt
        downgrade(revision="0016")
        with db.engine.connect() as connection:
            kept = connection.exec_driver_sql(
                "SELECT id, release_id FROM statements ORDER BY id"
            ).all()
        assert kept == [(1, 7), (2, None)]


def test_unsent_outbox_rows_lose_their_personal_links_and_sent_ones_are_left_alone(tmp_path):
    """Migration 0030: a cancelled or failed row kept its preview and unsubscribe tokens; they
    go, in its words and its headers. Queued rows (still to go) keep theirs."""
    from flask_migrate import upgrade

    from pressoffice import create_app

    token = "A" * 43
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'o.db'}"})
    with app.app_context():
        upgrade(revision="0021")
        with db.engine.begin() as connection:
            for number, status in enumerate(("cancelled", "failed", "queued"), start=1):
                connection.execute(
                    sa.text(
                        "INSERT INTO outbox_messages (id, kind, to_name, to_address, subject, "
                        "body_text, body_html, headers, status, attempts, next_attempt_at, "
                        "message_id, created_at) VALUES (:id, 'distribution', 'Amy', "
                        "'amy@echo.example', 'S', :text, :html, :headers, :status, 0, "
                        "'2016-11-29 10:00:00', :mid, '2016-11-29 10:00:00')"
                    ),
                    {
                        "id": number,
                        "text": f"Read it: https://x.example/preview/{token}\n",
                        "html": f'<a href="https://x.example/unsubscribe/{token}">stop</a>',
                        "headers": f'{{"List-Unsubscribe": "<https://x.example/unsubscribe/{token}>"}}',
                        "status": status,
                        "mid": f"<{number}@x.example>",
                    },
                )
        upgrade(revision="0030")
        with db.engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT status, body_text || body_html || headers FROM outbox_messages ORDER BY id"
            ).all()
    kept = {status: token in words for status, words in rows}
    assert kept == {"cancelled": False, "failed": False, "queued": True}
    assert "/preview/(link not kept: not sent)" in rows[0][1]
