"""Passwords are hashed with werkzeug's scrypt at its full cost everywhere but the tests.

The testing configuration names a cheap scrypt so that the suite's thousands of users and
sign-ins stay quick; no other configuration may, so a deployment can never inherit it.
"""

from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash

from config import ConfigError, DevelopmentConfig, ProductionConfig
from pressoffice import create_app
from pressoffice.models import User

SECRET = "a-production-secret-of-at-least-thirty-two-characters"


def _settings(tmp_path, **overrides):
    settings = {
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "ATTACHMENT_DIR": str(tmp_path / "files"),
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    }
    settings.update(overrides)
    return settings


def _hash_made_by(app, password: str) -> str:
    with app.app_context():
        user = User()
        user.set_password(password)
        return user.password_hash


@pytest.mark.parametrize("environment", ["production", "development"])
def test_a_deployment_hashes_passwords_with_scrypt_at_full_cost(tmp_path, environment):
    app = create_app(environment, _settings(tmp_path))

    stored = _hash_made_by(app, "correct-horse-battery")

    assert stored.startswith("scrypt:32768:8:1$")
    assert check_password_hash(stored, "correct-horse-battery")
    assert ProductionConfig.PASSWORD_HASH_METHOD == DevelopmentConfig.PASSWORD_HASH_METHOD
    assert ProductionConfig.PASSWORD_HASH_METHOD == "scrypt"


@pytest.mark.parametrize("environment", ["production", "development"])
@pytest.mark.parametrize("method", ["scrypt:256:8:1", "pbkdf2:sha256:1", ""])
def test_a_deployment_refuses_a_cheaper_password_hash(tmp_path, environment, method):
    with pytest.raises(ConfigError) as refused:
        create_app(environment, _settings(tmp_path, PASSWORD_HASH_METHOD=method))

    assert "PASSWORD_HASH_METHOD must be 'scrypt'" in str(refused.value)


def test_the_tests_hash_cheaply_and_still_check_the_password(app):
    stored = _hash_made_by(app, "correct-horse-battery")

    assert stored.startswith("scrypt:256:8:1$")
    assert check_password_hash(stored, "correct-horse-battery")
    assert not check_password_hash(stored, "correct-horse-batterz")
