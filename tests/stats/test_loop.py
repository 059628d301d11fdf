"""`vidcamp stats --due` and `vidcamp report` against the loopback sandbox, on a fixed clock."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from vidcamp.ledger import Ledger
from vidcamp.sandbox.metrics import current, mark_gone

from .conftest import T0, Loop, hours


def readings_per_post(loop: Loop) -> dict[str, set[str]]:
    times: dict[str, set[str]] = defaultdict(set)
    for key, at, _, _ in loop.rows():
        times[key].add(at)
    return times


@pytest.mark.slow
def test_two_due_runs_an_hour_apart_store_two_readings_per_post(loop: Loop) -> None:
    published = T0 - hours(5)
    keys = loop.publish("youtube", 60, published)
    keys += loop.publish("x", 120, published)
    keys += loop.publish("facebook", 3, published)
    keys += loop.publish("dailymotion", 3, published)

    first = loop.vidcamp("stats", "--due", "--json", at=T0)
    assert first.returncode == 0, first.stderr
    run1 = json.loads(first.stdout)
    assert run1["due"] == len(keys) == run1["read"]
    # batched: 60 YouTube posts in 2 calls (50 + 10), and 2 Analytics queries; 120 X posts in
    # 2 calls (100 + 20); Facebook and Dailymotion have no multi-get: one call per post
    assert run1["calls"] == {"youtube": 4, "x": 2, "facebook": 3, "dailymotion": 3}
    assert run1["cost"] == {"youtube quota units": 2, "x post reads": 120}
    routes = loop.routes()
    assert routes["youtube.stats"] == 2 and routes["youtube.analytics"] == 2
    assert routes["x.lookup"] == 2
    assert routes["facebook.insights"] == 3 and routes["dailymotion.video"] == 3

    # an hour later (00:30, a new UTC day, so X may be read again) every post is due again
    second = loop.vidcamp("stats", "--due", "--json", at=T0 + hours(1))
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["read"] == len(keys)
    times = readings_per_post(loop)
    assert {key: len(times[key]) for key in keys} == {key: 2 for key in keys}
    assert loop.routes()["youtube.stats"] == 4 and loop.routes()["x.lookup"] == 4

    # the figures grew between the readings
    views: dict[str, list[float]] = defaultdict(list)
    for key, _, metric, value in loop.rows():
        if metric == "views":
            views[key].append(value)
    yt = next(k for k in keys if "/youtube_shorts/" in k)
    assert views[yt][1] > views[yt][0]


@pytest.mark.slow
def test_a_post_that_is_not_due_is_not_fetched(loop: Loop) -> None:
    young = loop.publish("youtube", 1, T0 - hours(14), prefix="young")  # 09:30
    old = loop.publish("youtube", 1, T0 - hours(24 * 40), prefix="old")  # weekly now
    x_post = loop.publish("x", 1, T0 - hours(20), prefix="xclip")
    noon = T0 - hours(12)  # 11:30 UTC, same day as the next run
    assert loop.vidcamp("stats", "--due", at=noon).returncode == 0
    assert loop.routes()["youtube.stats"] == 1 and loop.routes()["x.lookup"] == 1

    later = noon + hours(1)
    done = loop.vidcamp("stats", "--due", "--json", at=later)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["due"] == 1  # only the young YouTube post
    assert loop.routes()["youtube.stats"] == 2
    assert loop.routes()["x.lookup"] == 1  # X: once per UTC day per post
    times = readings_per_post(loop)
    assert len(times[young[0]]) == 2
    assert len(times[old[0]]) == 1
    assert len(times[x_post[0]]) == 1

    # raising X's daily reads lets the X post be read again the same day
    raised = loop.vidcamp("stats", "--due", "--x-per-day", "24", "--json", at=later)
    assert raised.returncode == 0, raised.stderr
    assert loop.routes()["x.lookup"] == 2
    assert len(readings_per_post(loop)[x_post[0]]) == 2


@pytest.mark.slow
def test_a_429_or_quota_answer_defers_only_that_platform(loop: Loop) -> None:
    published = T0 - hours(3)
    loop.publish("youtube", 2, published)
    loop.publish("x", 2, published)
    loop.publish("facebook", 2, published)
    loop.box.faults({"platform": "x", "route": "lookup", "kind": "rate_limit", "seconds": 900},
                    {"platform": "youtube", "route": "stats", "kind": "quota"})
    done = loop.vidcamp("stats", "--due", "--json", at=T0)
    assert done.returncode == 0, done.stderr
    run = json.loads(done.stdout)
    assert set(run["deferred"]) == {"x", "youtube"}
    assert run["waiting"] == {"x": 2, "youtube": 2}
    assert run["read"] == 2  # Facebook was read all the same
    platforms = {key.split("/")[2] for key, *_ in loop.rows()}
    assert platforms == {"facebook_reels"}

    # within the deferral (X said 15 minutes) neither platform is asked again
    before = loop.routes()
    soon = loop.vidcamp("stats", "--due", "--json", at=T0 + timedelta(minutes=10))
    assert soon.returncode == 0, soon.stderr
    assert json.loads(soon.stdout)["waiting"] == {"x": 2, "youtube": 2}
    assert loop.routes() == before

    # after X's window X is read again; YouTube waits for the quota reset (midnight Pacific)
    youtube_until = datetime.fromisoformat(run["deferred"]["youtube"]["until"])
    assert youtube_until > T0 + hours(1)
    later = loop.vidcamp("stats", "--due", "--json", at=T0 + hours(1))
    assert later.returncode == 0, later.stderr
    after = loop.routes()
    assert after["x.lookup"] == before["x.lookup"] + 1
    assert after["youtube.stats"] == before["youtube.stats"]
    assert after["facebook.insights"] == before["facebook.insights"] + 2
    assert json.loads(later.stdout)["waiting"] == {"youtube": 2}


def test_facebook_throttling_and_dailymotion_limits_defer_those_platforms(loop: Loop) -> None:
    published = T0 - hours(3)
    loop.publish("youtube", 1, published)
    loop.publish("facebook", 2, published)
    loop.publish("dailymotion", 2, published)
    loop.box.faults({"platform": "facebook", "route": "insights", "kind": "quota"},
                    {"platform": "dailymotion", "route": "video", "kind": "quota"})
    done = loop.vidcamp("stats", "--due", "--json", at=T0)
    assert done.returncode == 0, done.stderr
    run = json.loads(done.stdout)
    assert set(run["deferred"]) == {"facebook", "dailymotion"}
    assert run["waiting"] == {"facebook": 2, "dailymotion": 2}
    assert run["read"] == 1 and run["failed"] == {}
    assert "throttled (code 4)" in run["deferred"]["facebook"]["reason"]
    assert loop.routes()["facebook.insights"] == 1  # the first answer deferred the rest


@pytest.mark.slow
def test_a_deleted_post_is_marked_once_and_not_asked_about_again(loop: Loop) -> None:
    published = T0 - hours(3)
    yt = loop.publish("youtube", 2, published)
    xs = loop.publish("x", 2, published)
    fb = loop.publish("facebook", 1, published)
    dm = loop.publish("dailymotion", 1, published)
    state = loop.box.server.state
    for key in (yt[0], xs[0], fb[0], dm[0]):
        mark_gone(state, loop.remote[key], "deleted")
    mark_gone(state, loop.remote[xs[1]], "private")

    first = loop.vidcamp("stats", "--due", "--json", at=T0)
    assert first.returncode == 0, first.stderr
    gone = json.loads(first.stdout)["gone"]
    assert gone == {yt[0]: "deleted", xs[0]: "deleted", fb[0]: "deleted", dm[0]: "deleted",
                    xs[1]: "private"}
    with Ledger.open(loop.ledger) as ledger:
        marked = {r[0]: r[1] for r in ledger.query(
            "SELECT p.key, s.gone FROM stat_polls s JOIN posts p ON p.id = s.post_id"
            " WHERE s.gone IS NOT NULL")}
    assert marked == gone

    before = loop.routes()
    second = loop.vidcamp("stats", "--due", "--json", at=T0 + hours(25))
    assert second.returncode == 0, second.stderr
    run = json.loads(second.stdout)
    assert run["gone"] == {} and run["due"] == 1  # only the live YouTube post
    after = loop.routes()
    assert after.get("facebook.insights", 0) == before.get("facebook.insights", 0)
    assert after.get("dailymotion.video", 0) == before.get("dailymotion.video", 0)
    assert after.get("x.lookup", 0) == before.get("x.lookup", 0)


def test_a_malformed_reading_is_dropped_and_the_run_goes_on(loop: Loop) -> None:
    yt = loop.publish("youtube", 2, T0 - hours(3))
    loop.box.settings(metrics_malformed=[loop.remote[yt[0]]])
    done = loop.vidcamp("stats", "--due", "--json", at=T0)
    assert done.returncode == 0, done.stderr
    run = json.loads(done.stdout)
    assert list(run["dropped"]) == [yt[0]] and "views" in run["dropped"][yt[0]]
    assert "reading dropped" in done.stderr
    stored = {key for key, *_ in loop.rows()}
    assert stored == {yt[1]}


def test_a_token_without_analytics_scope_skips_those_figures_with_a_hint(loop: Loop) -> None:
    from vidcamp.credentials import load_account, save_account

    entry = load_account("brand_yt", loop.box.credentials)
    entry.pop("scope")
    save_account("brand_yt", entry, loop.box.credentials)
    yt = loop.publish("youtube", 1, T0 - hours(3))
    done = loop.vidcamp("stats", "--due", at=T0)
    assert done.returncode == 0, done.stderr
    hint = [line for line in done.stdout.splitlines() if "yt-analytics.readonly" in line]
    assert len(hint) == 1 and "vidcamp auth login" in hint[0]
    metrics = {metric for key, _, metric, _ in loop.rows() if key == yt[0]}
    assert metrics == {"views", "likes", "comments"}
    assert "youtube.analytics" not in loop.routes()


@pytest.mark.slow
def test_report_json_figures_match_the_sandbox(loop: Loop) -> None:
    published = T0 - hours(30)
    for platform in ("youtube", "facebook", "x", "dailymotion"):
        loop.publish(platform, 2, published)
    assert loop.vidcamp("stats", "--due", at=T0 - hours(8)).returncode == 0  # within 24 h
    end = T0 + hours(1)  # a new UTC day: X is read again too
    assert loop.vidcamp("stats", "--due", at=end).returncode == 0
    served = current(loop.box.server.state)  # the metrics clock is still at ``end``
    done = loop.vidcamp("report", "demo", "--json", at=end)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert len(report["posts"]) == 8
    for post in report["posts"]:
        fig = served[post["remote_id"]]
        got = post["metrics"]
        assert got["likes"] == fig["likes"], post["platform"]
        if post["platform"] == "dailymotion":
            # views moved to the partner Reporting API: empty, never zero
            assert got["views"] is None and got["shares"] is None and got["comments"] is None
            continue
        assert got["views"] == fig["views"]
        assert got["comments"] == fig["comments"]
        assert got["shares"] == fig["shares"]
        assert post["share_rate_per_1000"] == round(fig["shares"] * 1000 / fig["views"], 4)
        assert post["views_first_24h"] is not None and post["views_first_24h"] < got["views"]
        assert post["readings"] == 2
        if post["platform"] == "x":
            assert got["impressions"] == fig["impressions"]
            assert got["watch_time"] is None  # X gives no watch time: empty
        if post["platform"] == "facebook":
            assert got["watch_time"] == fig["watch_seconds"]
        if post["platform"] == "youtube":
            assert got["impressions"] is None
    clips = report["rankings"]["clips"]
    assert [c["rank"] for c in clips] == [1, 2]
    assert clips[0]["views"] >= clips[1]["views"]
    assert {t["name"] for t in report["rankings"]["titles"]} == {"clip0 title 0", "clip1 title 1"}

    as_csv = loop.vidcamp("report", "demo", "--csv", at=end)
    assert as_csv.returncode == 0, as_csv.stderr
    lines = as_csv.stdout.splitlines()
    assert lines[0].startswith("clip,target,platform") and len(lines) == 9

    table = loop.vidcamp("report", "demo", at=end)
    assert table.returncode == 0, table.stderr
    assert "demo: latest figures" in table.stdout and "top clips: 1. clip" in table.stdout


def test_report_of_an_unknown_campaign_is_a_usage_error(loop: Loop, tmp_path: Path) -> None:
    loop.publish("youtube", 1, T0 - hours(3))
    done = loop.vidcamp("report", "nope", at=T0)
    assert done.returncode == 2
    assert done.stderr.startswith("error: report: no published posts of campaign 'nope'")
    assert "demo" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_dailymotion_views_come_from_the_asynchronous_reporting_api(loop: Loop) -> None:
    from vidcamp.credentials import load_account, save_account

    entry = load_account("brand_dm", loop.box.credentials)
    # the sandbox takes the account's own client id and secret as its private API key
    entry.update(reporting_key=entry["client_id"], reporting_secret=entry["client_secret"])
    save_account("brand_dm", entry, loop.box.credentials)
    dm = loop.publish("dailymotion", 2, T0 - hours(5))

    first = loop.vidcamp("stats", "--due", at=T0)  # asks for a report; only likes so far
    assert first.returncode == 0, first.stderr
    assert {m for _, _, m, _ in loop.rows()} == {"likes"}
    asked = current(loop.box.server.state)

    soon = loop.vidcamp("stats", at=T0 + timedelta(seconds=30))  # every post, due or not
    assert soon.returncode == 0, soon.stderr
    assert "still making the report" in soon.stdout
    assert {m for _, _, m, _ in loop.rows()} == {"likes"}

    later = loop.vidcamp("stats", "--due", at=T0 + hours(1))  # the report is ready now
    assert later.returncode == 0, later.stderr
    done = loop.vidcamp("report", "demo", "--json", at=T0 + hours(1))
    posts = {p["key"]: p for p in json.loads(done.stdout)["posts"]}
    for key in dm:
        fig = asked[loop.remote[key]]  # the report holds the figures of when it was asked
        got = posts[key]["metrics"]
        assert got["views"] == fig["views"]
        assert got["watch_time"] == fig["watch_seconds"]
        assert got["completion"] == round(round(100 * fig["complete"] / fig["views"], 2) / 100, 3)
        assert got["shares"] is None
    assert loop.routes()["dailymotion.reporting"] == 4  # ask, status, status, ask again
    with Ledger.open(loop.ledger) as ledger:
        pending = ledger.query("SELECT count(*) FROM stat_reports")[0][0]
    assert pending == 1  # the next report is already asked for
    assert entry["reporting_secret"] not in later.stdout + later.stderr


def test_stats_and_report_rehearse_against_the_sandbox_with_the_rehearsal_ledger(
    loop: Loop, tmp_path: Path
) -> None:
    import subprocess
    import sys

    from .conftest import ROOT

    loop.ledger = tmp_path / "ledger.sandbox.sqlite3"  # where --sandbox runs record posts
    keys = loop.publish("youtube", 2, T0 - hours(3))
    env = {k: v for k, v in loop.clock(T0).items() if k != "VIDCAMP_API_ROOT"}
    env.update(VIDCAMP_LEDGER=str(tmp_path / "ledger.sqlite3"),  # the real one: absent
               VIDCAMP_CREDENTIALS=str(tmp_path / "no-real-credentials.yaml"),
               VIDCAMP_SANDBOX_URL=loop.box.url,
               VIDCAMP_SANDBOX_CREDENTIALS=str(loop.box.credentials))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "vidcamp", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)

    done = run("stats", "--due", "--sandbox", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["read"] == 2
    report = run("report", "demo", "--sandbox", "--json")
    assert report.returncode == 0, report.stderr
    assert {p["key"] for p in json.loads(report.stdout)["posts"]} == set(keys)
    assert not (tmp_path / "ledger.sqlite3").exists()  # the real ledger was not touched


def test_an_expired_token_is_refreshed_and_a_missing_account_fails_alone(loop: Loop) -> None:
    from vidcamp.credentials import load_all, write_all

    yt = loop.publish("youtube", 1, T0 - hours(3))
    loop.publish("x", 1, T0 - hours(3))
    loop.box.faults({"platform": "youtube", "route": "stats", "kind": "expire_token"})
    before = loop.box.entry("brand_yt")["access_token"]
    accounts = load_all(loop.box.credentials)
    del accounts["brand_x"]
    write_all(accounts, loop.box.credentials)

    done = loop.vidcamp("stats", "--due", "--json", at=T0)
    assert done.returncode == 5  # an account could not be read at all
    run = json.loads(done.stdout)
    assert list(run["failed"]) == ["x/brand_x"] and "auth login brand_x" in run["failed"]["x/brand_x"]
    assert run["read"] == 1 and {key for key, *_ in loop.rows()} == set(yt)
    after = loop.box.entry("brand_yt")["access_token"]
    assert after != before  # refreshed and written back
    assert before not in done.stdout + done.stderr and after not in done.stdout + done.stderr
