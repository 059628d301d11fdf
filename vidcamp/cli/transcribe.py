"""`vidcamp transcribe`: write each auto-captioned clip's editable word transcript."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from vidcamp.cli._common import campaign_argument, load_and_check, print_warnings
from vidcamp.errors import UsageError

if TYPE_CHECKING:
    from vidcamp.jobs import ClipRender
    from vidcamp.transcribe.campaign import TranscriptResult


def run_transcripts(
    renders: Sequence[ClipRender],
    *,
    only: Iterable[str] | None = None,
    force: bool = False,
    quiet: bool = False,
) -> list[TranscriptResult]:
    """Transcribe the selected auto-captioned clips that have no transcript yet, with progress."""
    from vidcamp.render.progress import make_progress
    from vidcamp.transcribe.campaign import ensure_transcript, needs_transcript

    wanted = set(only) if only is not None else None
    todo = [
        job for job in renders
        if needs_transcript(job) and (wanted is None or job.clip_id in wanted)
    ]
    if not todo:
        return []
    sink = make_progress(quiet=quiet)
    results = []
    with sink if hasattr(sink, "__enter__") else contextlib.nullcontext():
        for job in todo:
            assert job.captions is not None and job.captions.transcript is not None
            if job.captions.transcript.is_file() and not force:
                result = ensure_transcript(job)
            else:
                sink.start(job.clip_id, job.duration, ["transcribing"])

                def advance(seconds: float, clip: str = job.clip_id) -> None:
                    sink.update(clip, seconds, None)

                result = ensure_transcript(job, force=force, on_progress=advance)
                if result is not None:
                    sink.finish(job.clip_id, result.summary())
            if result is not None:
                results.append(result)
    return results


@click.command()
@campaign_argument
@click.option("--only", "only", multiple=True, metavar="CLIP", help="Only this clip (repeatable).")
@click.option("--force", is_flag=True, help="Transcribe again and overwrite the transcripts.")
@click.option("-q", "--quiet", is_flag=True, help="No progress, only errors.")
def command(campaign_file: Path, only: Sequence[str], force: bool, quiet: bool) -> None:
    """Transcribe the speech of every clip with `captions: {auto: true}`.

    \b
    Each clip gets captions/<clip>.words.json (one word a line: word, start,
    end, probability) and an SRT beside the campaign. Edit the words.json to
    fix a word: builds read it as written and never overwrite it (only
    `transcribe --force` does). Transcribed segments are cached, so running
    this again after deleting a transcript needs no model at all.
    """
    from vidcamp.plan import plan_renders, render_environment

    report = load_and_check(campaign_file)
    print_warnings(report, quiet=quiet)
    renders = plan_renders(report.campaign, render_environment())
    known = {r.clip_id: r for r in renders}
    for clip in only:
        if clip not in known:
            raise UsageError(f"--only {clip}: no clip {clip!r} (clips: {', '.join(known)})")
    auto = [r.clip_id for r in renders if r.captions is not None and r.captions.transcript]
    if not auto:
        raise UsageError(f"{campaign_file}: no clip has `captions: {{auto: true}}`")
    results = run_transcripts(renders, only=list(only) or None, force=force, quiet=quiet)
    for result in results:
        if not quiet or result.written:
            click.echo(result.summary())


