"""The platform registry is the one list: every preset, client and OAuth flow agrees with it."""

from __future__ import annotations

import pytest

from vidcamp.errors import PermanentPublishError
from vidcamp.platforms import PLATFORMS, REGISTRY, get_platform
from vidcamp.presets import PRESETS
from vidcamp.publish.base import PlatformClient


@pytest.mark.parametrize("name", PLATFORMS)
def test_each_platform_has_a_typed_client_and_a_default_preset(name: str) -> None:
    platform = REGISTRY[name]
    client = platform.client()
    assert isinstance(client, PlatformClient)
    assert client.platform == name
    assert PRESETS[platform.default_preset].platform == name


def test_every_publishing_preset_names_a_registered_platform() -> None:
    used = {p.platform for p in PRESETS.values() if p.platform}
    assert used == set(PLATFORMS)


def test_refresh_follows_the_oauth_settings() -> None:
    assert get_platform("facebook").refresher is None
    x = get_platform("x").refresher
    assert x is not None and x.client_auth == "basic"
    assert x.token_url == get_platform("x").oauth.token_url


def test_unknown_platform_names_the_known_ones() -> None:
    with pytest.raises(PermanentPublishError, match="youtube, facebook, x, dailymotion"):
        get_platform("myspace")


def test_quota_per_account_overrides() -> None:
    yt = get_platform("youtube").quota
    assert yt.daily_posts() == 10_000 // 1_600
    assert yt.daily_posts({"upload_cost": 100}) == 100
    x = get_platform("x").quota
    assert x.daily_posts() == 17
    assert x.daily_posts({"tier": "basic"}) == 100
    assert get_platform("dailymotion").quota.daily_posts({"posts_per_day": 96}) == 96
