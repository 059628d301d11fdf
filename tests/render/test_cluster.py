"""Must show: clip jobs on a real Dask cluster (LocalCluster, two worker processes).

Outputs byte-identical to a local build; a worker killed mid-render costs nothing but time; a
worker with other software is refused before any render; bad input fails once.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.render.conftest import job, make_source, small, variant
from vidcamp.errors import MediaError, RenderError
from vidcamp.jobs import ClipRender
from vidcamp.render.check import check_output
from vidcamp.render.cluster import (
    TEST_RENDER_VERSION_ENV,
    check_workers,
    render_on_cluster,
)
from vidcamp.render.engine import render_all
from vidcamp.render.progress import PlainProgress

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """Two single-threaded worker processes with nannies, as `dask worker --nthreads 1` makes."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
        silence_logs=40,
    ) as local, distributed.Client(local, set_as_default=False) as client:
        client.wait_for_workers(2, timeout=120)
        yield local, client


def _jobs(source: Path, root: Path, clips: int = 2, seconds: float = 1.0) -> list[ClipRender]:
    out = []
    for n in range(clips):
        clip_dir = root / f"clip{n}"
        variants = [variant(clip_dir, "wide", small("x", 320, 180), content_hash=f"c{n}"),
                    variant(clip_dir, "tall", small("youtube_shorts", 180, 320),
                            reframe="pad", content_hash=f"c{n}")]
        start = n * 0.5
        out.append(job(source, clip_dir, variants, segments=[(start, start + seconds)]))
    return out


def _digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.suffix in {".mp4", ".jpg"}}


def _manifests(root: Path) -> dict[str, Any]:
    found = {}
    for path in sorted(root.rglob("manifest.json")):
        data = json.loads(path.read_text())
        data.pop("updated")
        found[str(path.relative_to(root))] = data
    return found


@pytest.mark.slow
def test_cluster_outputs_are_byte_identical_to_a_local_build(
    cluster: Any, media: Any, tmp_path: Path
) -> None:
    local_cluster, _client = cluster
    source = media("cluster.mp4", seconds=3)
    local = render_all(_jobs(source, tmp_path / "local"))
    lines = io.StringIO()
    remote = render_on_cluster(local_cluster.scheduler_address, _jobs(source, tmp_path / "dask"),
                               progress=PlainProgress(lines))

    assert [r.clip_id for r in remote] == [r.clip_id for r in local] == ["clip0", "clip1"]
    assert [set(r.rendered) for r in remote] == [{"wide", "tall"}] * 2
    assert _digests(tmp_path / "dask") == _digests(tmp_path / "local")
    assert len(_digests(tmp_path / "dask")) == 8  # 2 clips x (2 videos + 2 thumbnails)
    assert _manifests(tmp_path / "dask") == _manifests(tmp_path / "local")
    assert not list((tmp_path / "dask").rglob(".*"))  # no temp, token or probe file left
    # progress: what the workers say as they render, then each clip as its task completes
    said = lines.getvalue()
    assert "cluster: 2 workers, 2 render slots" in said
    for clip in ("clip0", "clip1"):
        assert f"{clip}: rendering wide, tall (1.0 s)" in said
        assert f"{clip}: measuring loudness" in said
    assert "clips, about" in said and "[2/2 clips]" in said

    # the cache works across machines: a cluster build over the local outputs renders nothing
    again = render_on_cluster(local_cluster.scheduler_address, _jobs(source, tmp_path / "local"))
    assert [r.rendered for r in again] == [(), ()]
    assert [set(r.cached) for r in again] == [{"wide", "tall"}] * 2


@pytest.mark.slow
def test_a_worker_killed_mid_render_costs_only_time(
    cluster: Any, tmp_path: Path
) -> None:
    local_cluster, client = cluster
    source = make_source(tmp_path / "long.mp4", size="640x360", seconds=8)
    jobs = _jobs(source, tmp_path / "b", clips=2, seconds=7.0)
    pids = client.run(os.getpid)  # {worker address: pid}
    killed: list[int] = []

    def kill_first_renderer() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            for temp in (tmp_path / "b").rglob(".*.partial.mp4"):
                pid = int(temp.name.split(".")[-3])  # .<stem>.<pid>.partial.mp4
                if pid in pids.values() and temp.stat().st_size > 0:
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                    return
            time.sleep(0.01)

    watcher = threading.Thread(target=kill_first_renderer, daemon=True)
    watcher.start()
    # x264 "medium" keeps each render busy long enough to be caught in the middle
    results = render_on_cluster(local_cluster.scheduler_address, jobs, encoder="medium")
    watcher.join(timeout=5)

    assert killed, "no render was caught in the middle"
    assert killed[0] not in client.run(os.getpid).values()  # that process is gone for good
    assert [set(r.rendered) for r in results] == [{"wide", "tall"}] * 2
    for clip in jobs:
        final = {p.name for p in clip.clip_dir.iterdir() if not p.name.startswith(".")}
        assert final == {"manifest.json", "wide.mp4", "wide.jpg", "tall.mp4", "tall.jpg"}
        manifest = json.loads((clip.clip_dir / "manifest.json").read_text())
        for v in clip.variants:
            check_output(v.output, v.preset, expected_duration=7.0, fps=30, what=v.target)
            entry = manifest["variants"][v.target]
            assert entry["content_hash"] == v.content_hash
            assert entry["bytes"] == v.output.stat().st_size
    # the nanny starts a new worker in its place (slowly on a loaded machine); later tests
    # need no second worker, so this wait is bounded and not a check
    with contextlib.suppress(TimeoutError):
        client.wait_for_workers(2, timeout=60)


@pytest.mark.slow
def test_ctrl_c_cancels_the_build_on_every_worker(cluster: Any, tmp_path: Path) -> None:
    local_cluster, client = cluster
    make_source(tmp_path / "footage.mp4", size="320x240", seconds=4)
    clips = "".join(f"  - id: c{n}\n    cut: [{{from: {n * 0.5}, to: {n * 0.5 + 2}}}]\n"
                    for n in range(5))
    spec = tmp_path / "campaign.yaml"
    spec.write_text("name: many\nsources:\n  main: footage.mp4\ndefaults:\n  source: main\n"
                    f"clips:\n{clips}targets:\n  x: {{}}\n", encoding="utf-8")
    script = "import sys\nfrom vidcamp.cli import main\nmain(sys.argv[1:])\n"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", script, "render", str(spec), "-q", "--x264-preset", "medium",
         "--cluster", local_cluster.scheduler_address],
        stderr=subprocess.PIPE, text=True, env=env,
    )
    build = tmp_path / "build" / "many"
    deadline = time.monotonic() + 120
    started: list[Path] = []
    while not started and time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[1]
        started = list(build.rglob(".*.partial.mp4"))
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    # click turns KeyboardInterrupt into "aborted", as for a local build
    assert proc.returncode != 0 and ("aborted" in err or "interrupted" in err), err

    deadline = time.monotonic() + 120  # until the workers have let go of every task
    while (_render_tasks(client) or _executing(client)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _render_tasks(client) and not _executing(client)
    finished = sorted(p.parent.name for p in build.glob("*/x.mp4"))
    assert len(finished) <= 2  # at most the two that were running; three never started
    # the render that had just begun was stopped on its worker, and cleaned up after itself
    assert started[0].parent.name not in finished
    assert not list(build.rglob(".*partial*"))


@pytest.mark.slow
def test_a_worker_with_another_render_version_is_refused_before_rendering(
    cluster: Any, media: Any, tmp_path: Path
) -> None:
    local_cluster, client = cluster
    source = media("cluster.mp4", seconds=3)
    jobs = _jobs(source, tmp_path / "b")
    odd = sorted(client.scheduler_info()["workers"])[0]
    started = len(_scheduler_log(client))
    client.run(lambda: os.environ.update({TEST_RENDER_VERSION_ENV: "999"}), workers=[odd])
    try:
        with pytest.raises(RenderError) as caught:
            render_on_cluster(local_cluster.scheduler_address, jobs)
    finally:
        client.run(lambda: os.environ.pop(TEST_RENDER_VERSION_ENV, None), workers=[odd])
    message = caught.value.message
    assert "refused before rendering" in message and "render version 999" in message
    assert odd in message and message.count("render version 999") == 1  # only that worker
    assert not list((tmp_path / "b").rglob("*.mp4"))
    assert len(_scheduler_log(client)) == started  # no task was submitted


@pytest.mark.slow
def test_a_path_no_worker_sees_is_named_before_rendering(
    cluster: Any, media: Any, tmp_path: Path
) -> None:
    _local, client = cluster
    jobs = _jobs(tmp_path / "elsewhere" / "footage.mp4", tmp_path / "b", clips=1)
    with pytest.raises(RenderError) as caught:
        check_workers(client, jobs, _client_env())
    message = caught.value.message
    assert message.startswith("shared storage: ")
    for address in client.scheduler_info()["workers"]:
        assert f"({address}) cannot see {tmp_path / 'elsewhere' / 'footage.mp4'}" in message
    assert "token" not in message  # the build folder itself is shared here


@pytest.mark.slow
def test_bad_input_fails_once_not_on_every_worker(
    cluster: Any, media: Any, tmp_path: Path
) -> None:
    local_cluster, client = cluster
    source = media("cluster.mp4", seconds=3)
    good, bad = _jobs(source, tmp_path / "b", clips=2)
    bad = job(source, bad.clip_dir, bad.variants, segments=[(1.0, 9.0)], clip_id="badcut")
    before = len([k for k in _scheduler_log(client) if "badcut" in k])
    with pytest.raises(MediaError, match=r"segment 1 \(1-9 s\) ends past the end"):
        render_on_cluster(local_cluster.scheduler_address, [good, bad])
    runs = [k for k in _scheduler_log(client) if "badcut" in k]
    assert len(runs) - before == 1  # one attempt on one worker, no retry
    assert (good.clip_dir / "wide.mp4").is_file()  # the other clip still finished


@pytest.mark.slow
def test_build_json_has_the_same_shape_on_a_cluster(cluster: Any, tmp_path: Path) -> None:
    local_cluster, _client = cluster
    make_source(tmp_path / "footage.mp4", size="320x240", seconds=2)
    spec = tmp_path / "campaign.yaml"
    spec.write_text(
        "name: tiny\nsources:\n  main: footage.mp4\ndefaults:\n  source: main\n"
        "clips:\n  - id: one\n    cut: [{from: 0, to: 1}]\ntargets:\n  x: {}\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    summaries = []
    for where, extra in (("local", []), ("dask", ["--cluster", local_cluster.scheduler_address])):
        res = runner.invoke(cli_main(), ["build", str(spec), "--json", "--no-queue", "-q",
                                         "--build-dir", str(tmp_path / where), *extra])
        assert res.exit_code == 0, res.output
        summaries.append(json.loads(res.stdout))
    local, remote = summaries
    assert _shape(local) == _shape(remote)
    assert (local["executor"], remote["executor"]) == ("local", "dask")
    assert remote["rendered"] == local["rendered"] == 1
    assert remote["clips"][0]["rendered"] == ["x"]
    assert _digests(tmp_path / "dask") == _digests(tmp_path / "local")


def test_without_cluster_nothing_of_dask_is_imported(tmp_path: Path) -> None:
    make_source(tmp_path / "footage.mp4", size="320x240", seconds=2)
    spec = tmp_path / "campaign.yaml"
    spec.write_text(
        "name: tiny\nsources:\n  main: footage.mp4\ndefaults:\n  source: main\n"
        "clips:\n  - id: one\n    cut: [{from: 0, to: 1}]\ntargets:\n  x: {}\n",
        encoding="utf-8",
    )
    script = (
        "import sys\nfrom vidcamp.cli import main\n"
        "try:\n    main(['build', sys.argv[1], '--no-queue', '-q', '--json'])\n"
        "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'dask', 'distributed'}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("VIDCAMP_DASK_SCHEDULER", None)
    proc = subprocess.run([sys.executable, "-c", script, str(spec)], capture_output=True,
                          text=True, env=env, check=True)
    assert json.loads(proc.stdout[: proc.stdout.rindex("}") + 1])["rendered"] == 1
    assert proc.stdout.strip().splitlines()[-1] == "[]"


# --------------------------------------------------------------------------- helpers


def cli_main() -> Any:
    from vidcamp.cli import cli

    return cli


def _shape(value: Any) -> Any:
    """Keys and value types, recursively (lists by their first item)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


def _scheduler_log(client: Any) -> list[str]:
    """Keys of every task the scheduler has started processing, one entry per attempt."""

    def started(dask_scheduler: Any) -> list[str]:
        return [str(entry[0]) for entry in dask_scheduler.transition_log
                if entry[2] == "processing"]

    return list(client.run_on_scheduler(started))


def _render_tasks(client: Any) -> list[str]:
    """Render tasks the scheduler still holds (queued or running)."""

    def held(dask_scheduler: Any) -> list[str]:
        return [str(k) for k in dask_scheduler.tasks if str(k).startswith("vidcamp-render-")]

    return list(client.run_on_scheduler(held))


def _executing(client: Any) -> int:
    """Tasks the workers are still executing (a cancelled task runs on until it returns)."""

    def busy(dask_worker: Any) -> int:
        return len(dask_worker.state.executing)

    return sum(client.run(busy).values())


def _client_env() -> Any:
    from vidcamp.plan import render_environment

    return render_environment()


def test_a_malformed_scheduler_address_is_a_usage_error(tmp_path: Path) -> None:
    from vidcamp.errors import UsageError

    jobs = _jobs(tmp_path / "footage.mp4", tmp_path / "b", clips=1)
    for address in ("nonsense://render-1:8786", "tcp://"):
        with pytest.raises(UsageError, match="not a Dask scheduler address"):
            render_on_cluster(address, jobs)
