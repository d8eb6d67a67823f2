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
