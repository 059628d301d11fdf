"""`vidcamp render`: render some or all clips of a campaign (no posts queued)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from vidcamp.cli._common import campaign_argument, emit_json, load_and_check, print_warnings
from vidcamp.errors import UsageError

if TYPE_CHECKING:
    from vidcamp.jobs import ClipRender
    from vidcamp.render.engine import ClipResult

X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow")


def render_options(func: Any) -> Any:
    """Options shared by `render` and `build`."""
    for option in reversed(
        [
            click.option("--force", is_flag=True, help="Render even if up to date."),
            click.option(
                "-j", "--jobs", "jobs_parallel", type=click.IntRange(min=1), default=None,
                help="Clips rendered side by side (default 1: one ffmpeg already uses every core).",
            ),
            click.option("-q", "--quiet", is_flag=True, help="No progress, only errors."),
            click.option(
                "--x264-preset", "encoder", type=click.Choice(X264_PRESETS), default=None,
                help="x264 speed/size trade-off (default veryfast, or $VIDCAMP_X264_PRESET).",
            ),
            click.option(
                "--build-dir", type=click.Path(path_type=Path, file_okay=False),
                help="Where outputs go (default: build/ beside the campaign file).",
            ),
            click.option(
                "--cluster", metavar="tcp://HOST:8786", envvar="VIDCAMP_DASK_SCHEDULER",
                help="Render each clip as a task on this Dask scheduler's workers (shared "
                "folder needed: docs/scale.md; default $VIDCAMP_DASK_SCHEDULER).",
            ),
            click.option("--json", "as_json", is_flag=True, help="Print a summary as JSON."),
        ]
    ):
        func = option(func)
    return func


def parse_only(only: Sequence[str], renders: Sequence[ClipRender]) -> dict[str, set[str] | None]:
    """``CLIP`` or ``CLIP:TARGET`` selections → {clip: targets or None for all}."""
    known = {r.clip_id: {v.target for v in r.variants} for r in renders}
    chosen: dict[str, set[str] | None] = {}
    for item in only:
        clip, _, target = item.partition(":")
        if clip not in known:
            raise UsageError(f"--only {item}: no clip {clip!r} (clips: {', '.join(known)})")
        if not target:
            chosen[clip] = None
            continue
        if target not in known[clip]:
            raise UsageError(
                f"--only {item}: clip {clip} has no target {target!r} "
                f"(targets: {', '.join(sorted(known[clip]))})"
            )
        if clip not in chosen or chosen[clip] is not None:
            chosen.setdefault(clip, set())
            targets = chosen[clip]
            assert targets is not None
            targets.add(target)
    return chosen


def plan_and_render(
    campaign_file: Path,
    *,
    only: Sequence[str] = (),
    force: bool,
    jobs_parallel: int | None,
    quiet: bool,
    encoder: str | None,
    build_dir: Path | None,
    cluster: str | None = None,
    as_json: bool = False,
) -> tuple[Any, list[ClipRender], list[ClipResult]]:
    """Load, check and plan the campaign, then render; returns (loaded, renders, results).

    With ``cluster`` (a Dask scheduler address) every clip job runs on its workers instead of
    in threads here; the results are the same. ``as_json``: no per-clip lines on stdout (the
    caller prints :func:`render_summary`).
    """
    from vidcamp.plan import plan_renders, render_environment
    from vidcamp.render.engine import DEFAULT_JOBS, render_all
    from vidcamp.render.progress import make_progress

    if cluster and jobs_parallel is not None:
        raise UsageError("-j and --cluster do not go together: each worker renders "
                         "as many clips at once as it has threads")
    report = load_and_check(campaign_file)
    print_warnings(report, quiet=quiet)
    loaded = report.campaign
    renders = plan_renders(loaded, render_environment(), build_dir=build_dir)
    selection = parse_only(only, renders) if only else None
    if any(r.captions is not None and r.captions.transcript is not None for r in renders):
        from vidcamp.cli.transcribe import run_transcripts

        written = run_transcripts(renders, only=selection, quiet=quiet)
        if any(result.written for result in written):  # the new transcripts join the hashes
            renders = plan_renders(loaded, render_environment(), build_dir=build_dir)
    sink = make_progress(quiet=quiet)
    with sink if hasattr(sink, "__enter__") else contextlib.nullcontext():
        if cluster:
            from vidcamp.render.cluster import render_on_cluster

            results = render_on_cluster(
                cluster, renders, force=force, progress=sink, encoder=encoder, only=selection
            )
        else:
            results = render_all(
                renders,
                jobs_parallel=jobs_parallel or DEFAULT_JOBS,
                force=force,
                progress=sink,
                encoder=encoder,
                only=selection,
            )
    if not quiet and not as_json:
        for result in results:
            for note in result.notes:
                click.echo(f"note: {note}", err=True)
            click.echo(summary_line(result))
    return loaded, renders, results


def render_summary(
    loaded: Any, results: Sequence[ClipResult], *, seconds: float, cluster: str | None
) -> dict[str, Any]:
    """The ``--json`` summary of a render: the same keys for a local and a cluster build."""
    return {
        "campaign": loaded.spec.name,
        "executor": "dask" if cluster else "local",
        "seconds": round(seconds, 3),
        "rendered": sum(len(r.rendered) for r in results),
        "cached": sum(len(r.cached) for r in results),
        "clips": [
            {
                "clip": r.clip_id,
                "rendered": list(r.rendered),
                "cached": list(r.cached),
                "outputs": {target: str(path) for target, path in sorted(r.outputs.items())},
                "notes": list(r.notes),
                "seconds": round(r.seconds, 3),
            }
            for r in results
        ],
    }


def summary_line(result: ClipResult) -> str:
    parts = []
    if result.rendered:
        parts.append(f"rendered {', '.join(result.rendered)} in {result.seconds:.1f} s")
    if result.cached:
        parts.append(f"unchanged {', '.join(result.cached)}")
    return f"{result.clip_id}: " + ("; ".join(parts) or "nothing to do")


@click.command()
@campaign_argument
@click.option(
    "--only", multiple=True, metavar="CLIP[:TARGET]",
    help="Render only this clip (or one target of it); repeatable.",
)
@render_options
def command(
    campaign_file: Path, only: tuple[str, ...], force: bool, jobs_parallel: int | None,
    quiet: bool, encoder: str | None, build_dir: Path | None, cluster: str | None, as_json: bool,
) -> None:
    """Render clips of CAMPAIGN.yaml into build/<campaign>/<clip>/<target>.mp4.

    \b
    Each clip is one ffmpeg run that decodes the cut once and writes every
    target. An output whose inputs are unchanged (same content hash in the
    clip's manifest.json) is skipped; --force renders it anyway.
    \b
    Examples:
      vidcamp render campaign.yaml --only teaser
      vidcamp render campaign.yaml --only teaser:youtube_shorts --force
      vidcamp render campaign.yaml --cluster tcp://scheduler:8786
    """
    import time

    began = time.monotonic()
    loaded, _renders, results = plan_and_render(
        campaign_file, only=only, force=force, jobs_parallel=jobs_parallel, quiet=quiet,
        encoder=encoder, build_dir=build_dir, cluster=cluster, as_json=as_json,
    )
    if as_json:
        emit_json(render_summary(loaded, results, seconds=time.monotonic() - began,
                                 cluster=cluster))
