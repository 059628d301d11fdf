"""`review: required` through a real build: approval, a changed caption withdrawing it, the page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from benchmarks.preview_page import write_campaign

from .conftest import vidcamp


@pytest.mark.slow
def test_changed_caption_after_approval_waits_again_and_the_page_says_so(tmp_path: Path) -> None:
    campaign = write_campaign(tmp_path / "gate", clips=1, targets=("x",), name="gate")
    spec = yaml.safe_load(campaign.read_text())
    spec["review"] = "required"
    spec["clips"][0]["captions"] = {"lines": [{"start": 0, "end": 2, "text": "First words"}]}
    campaign.write_text(yaml.safe_dump(spec, allow_unicode=True))
    env = {
        "VIDCAMP_LEDGER": str(tmp_path / "ledger.sqlite3"),
        "VIDCAMP_X264_PRESET": "ultrafast",
        "VIDCAMP_USER": "ana",
    }

    def build() -> str:
        done = vidcamp("build", str(campaign), env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        return str(done.stderr)

    def state() -> tuple[str, str | None]:
        data = json.loads(vidcamp("status", "gate", "--json", env=env).stdout)
        (post,) = data["posts"]
        return post["state"], post["approved_by"]

    assert "1 posts await approval" in build()
    assert state() == ("awaiting_approval", None)
    page = vidcamp("preview", str(campaign), env=env)
    assert page.returncode == 0, page.stderr
    html = (campaign.parent / "build" / "gate" / "index.html").read_text()
    assert 'class="state s-awaiting_approval">awaiting approval<' in html

    assert vidcamp("approve", str(campaign), env=env).returncode == 0
    assert state() == ("queued", "ana")
    build()  # nothing changed: the approval stands
    assert state() == ("queued", "ana")

    spec["clips"][0]["captions"]["lines"][0]["text"] = "Other words"
    campaign.write_text(yaml.safe_dump(spec, allow_unicode=True))
    assert "1 posts await approval" in build()
    assert state() == ("awaiting_approval", None)
    events = json.loads(vidcamp("status", "gate", "--json", "--events", env=env).stdout)
    details = [e["detail"] for e in events["posts"][0]["events"]]
    assert details[-1].endswith("replaced, upload starts over; approval withdrawn")
