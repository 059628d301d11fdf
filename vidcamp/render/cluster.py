"""Render a build's clips on a Dask distributed cluster (``--cluster tcp://HOST:8786``).

The plan is made here, on the client: pure data with content hashes. Each clip that is not
cached becomes one Dask task that runs :func:`vidcamp.render.engine.render_clip`, the function
``-j`` runs in threads, on a worker. Outputs go to the shared build folder under temporary
names and are renamed once checked, exactly as on one machine, so the render cache works across
machines.

Before anything is submitted every worker reports (:func:`worker_report`) its host, vidcamp's
render version, its ffmpeg version and the digest of the bundled fonts and caption styles, and
whether it sees a token file the client wrote in the build folder and every source, caption and
brand file under the same path. Any difference refuses the build with a message naming the
worker and what it lacks.

Faults: a worker that dies mid-render loses its task to the scheduler, which runs it again on
another worker (up to ``distributed.scheduler.allowed-failures`` deaths). A clip that fails on
bad input (a :class:`~vidcamp.errors.VidcampError`) is returned as a value, not raised, so Dask
does not retry it: it fails once. Other exceptions (a shared filesystem hiccup) are retried
``TASK_RETRIES`` times. Ctrl-C cancels the build's tasks and ends the ffmpeg of those already
running (:func:`stop_renders`).

Nothing here imports Dask at module level: ``distributed`` is imported only when a cluster
build starts (and on the workers, which have it anyway).
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vidcamp.errors import MediaError, RenderError, SpecError, UsageError, VidcampError

if TYPE_CHECKING:
    from vidcamp.jobs import ClipRender
    from vidcamp.plan import RenderEnvironment
    from vidcamp.render.engine import ClipResult
    from vidcamp.render.progress import ProgressSink

SCHEDULER_ENV = "VIDCAMP_DASK_SCHEDULER"
# Test hooks: a worker whose environment sets these reports them instead of its real versions,
# to show that a mismatch is refused before any render. Never set them in production.
TEST_RENDER_VERSION_ENV = "VIDCAMP_TEST_RENDER_VERSION"
TEST_FFMPEG_VERSION_ENV = "VIDCAMP_TEST_FFMPEG_VERSION"
TASK_RETRIES = 1  # for unexpected exceptions only; bad input is never retried
CONNECT_TIMEOUT = 10.0  # seconds to reach the scheduler and to wait for a first worker
TOKEN_PREFIX = ".vidcamp-cluster-"

_ERRORS: dict[str, type[VidcampError]] = {
    cls.__name__: cls for cls in (VidcampError, UsageError, SpecError, MediaError, RenderError)
}


@dataclass(frozen=True)
class WorkerReport:
    """What one worker says about itself before the build (made by :func:`worker_report`)."""

    address: str
    host: str
    pid: int
    nthreads: int
    render_version: str
    ffmpeg: str
    assets_digest: str
    token_seen: bool
    writable: tuple[str, ...]  # build folders it could not write to
    missing: tuple[str, ...]  # paths it cannot see
    error: str = ""  # the report itself failed (e.g. no ffmpeg on that machine)

    @property
    def where(self) -> str:
        return f"{self.host} ({self.address})"


@dataclass(frozen=True)
class TaskOutcome:
    """What a clip task returns: its result, or the error it failed with (never retried)."""

    clip_id: str
    host: str
    pid: int
    result: ClipResult | None = None
    error: tuple[str, str] | None = None  # (error class name, one-line message)

    def raise_error(self) -> None:
        if self.error is not None:
            name, message = self.error
            raise _ERRORS.get(name, RenderError)(message)


# --------------------------------------------------------------------------- worker side


def worker_report(
    token_file: str, token: str, build_roots: Sequence[str], paths: Sequence[str],
    dask_worker: Any = None,
) -> WorkerReport:
    """Run on every worker (``client.run``): versions, token, folders and paths it sees."""
    address = getattr(dask_worker, "address", "") or ""
    nthreads = int(getattr(dask_worker, "nthreads", 1) or 1)
    host = socket.gethostname()
    try:
        from vidcamp.plan import render_environment

        env = render_environment()
        render_version, ffmpeg, digest = env.render_version, env.ffmpeg_version, env.assets_digest
        error = ""
    except VidcampError as exc:
        render_version, ffmpeg, digest, error = "?", "?", "?", exc.message
    render_version = os.environ.get(TEST_RENDER_VERSION_ENV) or render_version
    ffmpeg = os.environ.get(TEST_FFMPEG_VERSION_ENV) or ffmpeg
    try:
        token_seen = Path(token_file).read_text(encoding="utf-8").strip() == token
    except OSError:
        token_seen = False
    unwritable = []
    for root in build_roots:
        probe = Path(root) / f"{TOKEN_PREFIX}{token}.{host}.{os.getpid()}.probe"
        try:
            probe.write_bytes(b"")
            probe.unlink()
        except OSError:
            unwritable.append(root)
    missing = tuple(p for p in paths if not os.path.exists(p))
    return WorkerReport(
        address, host, os.getpid(), nthreads, render_version, ffmpeg, digest, token_seen,
        tuple(unwritable), missing, error,
    )


class EventProgress:
    """A worker's progress sink: each call becomes an event on ``topic`` for the client.

    Updates are sent at most every ``UPDATE_SECONDS`` per clip, so a long render does not
    flood the scheduler.
    """

    UPDATE_SECONDS = 1.0

    def __init__(self, topic: str) -> None:
        from distributed import get_worker

        self.topic = topic
        self._worker = get_worker()
        self._last: dict[str, float] = {}

    def _send(self, kind: str, clip: str, *args: Any) -> None:
        self._worker.log_event(self.topic, {"kind": kind, "clip": clip, "args": list(args)})

    def start(self, clip: str, total: float, targets: list[str]) -> None:
        self._send("start", clip, total, targets)

    def update(self, clip: str, seconds: float, speed: float | None) -> None:
        now = time.monotonic()
        if now - self._last.get(clip, 0.0) >= self.UPDATE_SECONDS:
            self._last[clip] = now
            self._send("update", clip, seconds, speed)

    def note(self, clip: str, text: str) -> None:
        self._send("note", clip, text)

    def finish(self, clip: str, text: str) -> None:
        pass  # the client says when a clip is done, from its future


def render_task(
    job: ClipRender, force: bool, encoder: str, only: Sequence[str] | None, topic: str = "",
) -> TaskOutcome:
    """One clip job on a worker: the same :func:`render_clip` as ``-j``.

    With ``topic``, progress goes to the client as Dask events (:class:`EventProgress`).
    """
    from vidcamp.render.engine import render_clip

    host, pid = socket.gethostname(), os.getpid()
    try:
        progress = EventProgress(topic) if topic else None
        result = render_clip(job, force=force, encoder=encoder, only=only, progress=progress)
    except VidcampError as exc:  # bad input: deterministic, a value so that Dask won't retry
        return TaskOutcome(job.clip_id, host, pid, error=(type(exc).__name__, exc.message))
    return TaskOutcome(job.clip_id, host, pid, result=result)


def stop_renders(prefix: str, dask_worker: Any = None) -> int:
    """Run on every worker after Ctrl-C: end the ffmpeg of a task of this build, if running.

    Dask cannot interrupt a running task; ending its ffmpeg makes ``render_clip`` fail and
    remove its temporary files. Only a single-threaded worker executing one of this build's
    tasks (keys starting with ``prefix``) is touched, so another build's render is never
    stopped. Returns how many processes were ended.
    """
    import psutil  # type: ignore[import-untyped]  # a dependency of distributed

    state = getattr(dask_worker, "state", None)
    if state is None or getattr(state, "nthreads", 0) != 1:
        return 0
    if not any(str(ts.key).startswith(prefix) for ts in getattr(state, "executing", ())):
        return 0
    ended = 0
    for child in psutil.Process().children(recursive=True):
        try:
            if "ffmpeg" in child.name():
                child.terminate()
                ended += 1
        except psutil.Error:
            continue
    return ended


# --------------------------------------------------------------------------- client side


def render_on_cluster(
    address: str,
    jobs: Sequence[ClipRender],
    *,
    force: bool = False,
    progress: ProgressSink | None = None,
    encoder: str | None = None,
    only: dict[str, set[str] | None] | None = None,
) -> list[ClipResult]:
    """Render ``jobs`` on the Dask cluster at ``address``; results in job order.

    Like :func:`render_all`, a clip that fails does not stop the others; the first failure is
    raised at the end, later ones are reported to ``progress``.
    """
    from vidcamp.plan import render_environment
    from vidcamp.render.engine import x264_preset
    from vidcamp.render.progress import NullProgress

    sink: ProgressSink = progress or NullProgress()
    preset = x264_preset(encoder)  # resolved here, so every worker encodes alike
    # workers have other working directories: a relative --build-dir must not follow them
    selected = [_absolute(j) for j in jobs if only is None or j.clip_id in only]
    results: dict[str, ClipResult] = {}
    todo: list[ClipRender] = []
    for job in selected:
        targets = only.get(job.clip_id) if only is not None else None
        cached = None if force else _cached_result(job, targets)
        if cached is not None:
            results[job.clip_id] = cached
        else:
            todo.append(job)
    if todo:
        distributed = _import_distributed()
        client = _connect(distributed, address)
        try:
            check_workers(client, todo, render_environment(), sink=sink)
            results.update(_run(client, distributed, todo, force, preset, only, sink))
        finally:
            client.close()
    return [results[j.clip_id] for j in selected if j.clip_id in results]


def check_workers(
    client: Any, jobs: Sequence[ClipRender], env: RenderEnvironment,
    *, sink: ProgressSink | None = None,
) -> list[WorkerReport]:
    """Refuse the build unless every worker runs the same software and sees the same files."""
    roots = sorted({str(j.clip_dir.parent) for j in jobs})
    token = secrets.token_hex(8)
    token_file = Path(roots[0]) / f"{TOKEN_PREFIX}{token}.token"
    token_file.parent.mkdir(parents=True, exist_ok=True)
    token_file.write_text(token + "\n", encoding="utf-8")
    try:
        raw = client.run(worker_report, str(token_file), token, roots, sorted(_inputs(jobs)))
    finally:
        token_file.unlink(missing_ok=True)
    reports = sorted(raw.values(), key=lambda r: r.address)
    broken = [f"{r.where}: {r.error}" for r in reports if r.error]
    if broken:
        raise RenderError("cluster workers cannot render: " + "; ".join(broken))
    different = [
        f"{r.where} has render version {r.render_version}, ffmpeg {r.ffmpeg}"
        + ("" if r.assets_digest == env.assets_digest else ", other fonts or caption styles")
        for r in reports
        if (r.render_version, r.ffmpeg, r.assets_digest)
        != (env.render_version, env.ffmpeg_version, env.assets_digest)
    ]
    if different:
        raise RenderError(
            f"cluster refused before rendering: this machine has render version "
            f"{env.render_version}, ffmpeg {env.ffmpeg_version}; " + "; ".join(different)
            + " (install the same vidcamp and ffmpeg on every worker: outputs would not match "
            "their content hashes)"
        )
    unseen = []
    for r in reports:
        lacks = [f"token file in {roots[0]}"] if not r.token_seen else []
        lacks += [f"{root} (not writable)" for root in r.writable]
        lacks += list(r.missing)
        if lacks:
            unseen.append(f"{r.where} cannot see " + ", ".join(lacks))
    if unseen:
        raise RenderError(
            "shared storage: " + "; ".join(unseen) + " (sources, brand files and the build "
            "folder must be on a shared filesystem under the same paths: see docs/scale.md)"
        )
    if sink is not None:
        threads = sum(r.nthreads for r in reports)
        slots = f"{_count(len(reports), 'worker')}, {_count(threads, 'render slot')}"
        sink.note("cluster", f"{slots}, render version {env.render_version}, "
                  f"ffmpeg {env.ffmpeg_version}")
        for r in reports:
            if r.nthreads > 1:
                sink.note("cluster", f"{r.where} runs {r.nthreads} renders side by side; "
                          "one ffmpeg per worker (--nthreads 1) uses the cores better")
    return reports


def _run(
    client: Any, distributed: Any, todo: Sequence[ClipRender], force: bool, preset: str,
    only: dict[str, set[str] | None] | None, sink: ProgressSink,
) -> dict[str, ClipResult]:
    prefix = f"vidcamp-render-{secrets.token_hex(4)}-"
    topic = prefix + "progress"
    finished: set[str] = set()  # late progress events of these clips are dropped
    client.subscribe_topic(topic, lambda event: _relay(event[1], sink, finished))
    futures = {}
    for job in todo:
        targets = only.get(job.clip_id) if only is not None else None
        future = client.submit(
            render_task, job, force, preset, sorted(targets) if targets else None, topic,
            key=prefix + job.clip_id, pure=False, retries=TASK_RETRIES,
        )
        futures[future] = job
    weights = {job.clip_id: max(job.duration, 0.1) * len(job.variants) for job in todo}
    total_weight = sum(weights.values())
    done_weight = 0.0
    began = time.monotonic()
    results: dict[str, ClipResult] = {}
    errors: list[VidcampError] = []
    completed = distributed.as_completed(list(futures), loop=client.loop)
    try:
        for count, future in enumerate(completed, 1):
            job = futures[future]
            finished.add(job.clip_id)
            done_weight += weights[job.clip_id]
            result, text = _outcome(future, job, distributed)
            if isinstance(result, VidcampError):
                if errors:  # the first failure is raised at the end; say the others now
                    sink.finish(job.clip_id, f"failed: {result.message}")
                errors.append(result)
            else:
                results[job.clip_id] = result
                left = (time.monotonic() - began) * (total_weight - done_weight) / done_weight
                eta = f", about {left:.0f} s left" if count < len(todo) else ""
                sink.finish(job.clip_id, f"{text} [{count}/{len(todo)} clips{eta}]")
    except KeyboardInterrupt:
        client.cancel(list(futures), force=True)
        client.run(stop_renders, prefix, on_error="ignore")
        raise
    finally:
        client.unsubscribe_topic(topic)
    if errors:
        raise errors[0]
    return results


def _relay(msg: Any, sink: ProgressSink, finished: set[str]) -> None:
    """Hand a worker's progress event to the build's sink (unknown or late ones are dropped)."""
    try:
        kind, clip, args = msg["kind"], msg["clip"], msg["args"]
        if kind in {"start", "update", "note"} and clip not in finished:
            getattr(sink, kind)(clip, *args)
    except (KeyError, TypeError, ValueError):
        return


def _outcome(
    future: Any, job: ClipRender, distributed: Any
) -> tuple[ClipResult | VidcampError, str]:
    """(result, progress text) for a rendered clip, (error, "") for a failed one."""
    try:
        outcome: TaskOutcome = future.result()
    except distributed.KilledWorker:
        return RenderError(
            f"{job.clip_id}: the workers rendering it died {_allowed_failures()} times; "
            "see the worker logs (out of memory?)"
        ), ""
    except Exception as exc:  # anything a worker raised, said in one line
        return RenderError(f"{job.clip_id}: failed on the cluster: "
                           f"{type(exc).__name__}: {exc}"), ""
    if outcome.error is not None:
        try:
            outcome.raise_error()
        except VidcampError as exc:
            return exc, ""
    result = outcome.result
    assert result is not None
    rendered = ", ".join(result.rendered) or "nothing"
    return result, f"rendered {rendered} on {outcome.host} in {result.seconds:.1f} s"


def _cached_result(job: ClipRender, targets: Iterable[str] | None) -> ClipResult | None:
    """The result of a clip whose wanted variants are all cached (seen from here), else None."""
    from vidcamp.render import cache
    from vidcamp.render.engine import ClipResult

    chosen = set(targets) if targets is not None else None
    wanted = [v for v in job.variants if chosen is None or v.target in chosen]
    manifest = cache.read_manifest(job)
    if not all(cache.is_cached(v, manifest) for v in wanted):
        return None
    return ClipResult(job.clip_id, (), tuple(v.target for v in wanted),
                      {v.target: v.output for v in wanted})


def _absolute(job: ClipRender) -> ClipRender:
    """``job`` with its output paths made absolute (inputs are resolved by the planner)."""
    from dataclasses import replace

    if job.clip_dir.is_absolute():
        return job
    variants = tuple(
        replace(v, output=v.output.absolute(), thumbnail=v.thumbnail.absolute())
        for v in job.variants
    )
    return replace(job, clip_dir=job.clip_dir.absolute(), variants=variants)


def _inputs(jobs: Iterable[ClipRender]) -> set[str]:
    """Every file a worker must read: sources, caption files, watermark, intro, outro."""
    paths: set[str] = set()
    for job in jobs:
        for path in (
            job.source, job.intro, job.outro,
            job.captions.file if job.captions is not None else None,
            job.watermark.image if job.watermark is not None else None,
        ):
            if path is not None:
                paths.add(str(path))
    return paths


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise UsageError(
            "--cluster needs Dask distributed: pip install 'vidcamp[dask]'"
        ) from exc
    return distributed


def _connect(distributed: Any, address: str) -> Any:
    from distributed.comm.registry import backends

    scheme, sep, rest = address.partition("://")
    if (sep and scheme not in backends) or not (rest if sep else address):
        raise UsageError(
            f"--cluster {address}: not a Dask scheduler address (tcp://HOST:8786; "
            f"schemes: {', '.join(sorted(backends))})"
        )
    try:
        client = distributed.Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise RenderError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        client.close()
        raise RenderError(
            f"no Dask worker joined the scheduler at {address} within {CONNECT_TIMEOUT:g} s "
            "(start one: dask worker --nthreads 1 " + address + ")"
        ) from exc
    return client


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _allowed_failures() -> int:
    import dask

    return int(dask.config.get("distributed.scheduler.allowed-failures"))


__all__ = [
    "SCHEDULER_ENV", "TEST_FFMPEG_VERSION_ENV", "TEST_RENDER_VERSION_ENV", "EventProgress",
    "TaskOutcome",
    "WorkerReport", "check_workers", "render_on_cluster", "render_task", "stop_renders",
    "worker_report",
]
