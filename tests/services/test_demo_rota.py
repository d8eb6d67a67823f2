"""The demo's duty rota tells the duty login's story: the duty login is the one on duty."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pressoffice.services.rota import duty_officer_at


@pytest.mark.parametrize(
    "seeded_at",
    [
        datetime(2016, 11, 29, 7, 0, tzinfo=UTC),  # 7 a.m.: last night's shift still running
        datetime(2016, 11, 29, 17, 0, tzinfo=UTC),  # the instant tonight's shift starts
        datetime(2016, 11, 29, 22, 30, tzinfo=UTC),  # late evening
    ],
)
def test_the_duty_login_is_on_duty_now_and_tonight(app_ctx, seeded_at):
    from pressoffice.demo import seed_demo

    seed_demo(seeded_at)

    assert duty_officer_at(seeded_at).email == "duty@example.org"
    tonight = datetime(2016, 11, 29, 23, 0, tzinfo=UTC)
    assert duty_officer_at(tonight).email == "duty@example.org"
