"""``vidcamp suggest``: rank the clips worth posting in long footage, and say why."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click


@click.command("suggest")
@click.argument("footage", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--count", default=12, show_default=True, help="How many clips to suggest.")
@click.option("--length", "length_text", default="20-60", show_default=True,
              help="Clip length range in seconds, MIN-MAX (kept within the target's limits).")
@click.option("--target", default="youtube_shorts", show_default=True,
              help="Preset the clips are for (its length limits count).")
@click.option("--json", "as_json", is_flag=True, help="Print the suggestions as JSON.")
@click.option("--write", "write_to", type=click.Path(path_type=Path, dir_okay=False),
              help="Start this campaign file, or append the clips to it (keeping your clips "
                   "and comments).")
@click.option("--sheet", type=click.Path(path_type=Path, dir_okay=False),
              help="Write a PNG contact sheet here (default with --write: beside the campaign).")
@click.option("--transcript", type=click.Path(path_type=Path, dir_okay=False),
              help="Timed words as JSON ([{start, end, word}, ...]) for sentence boundaries.")
@click.option("--transcribe", "transcribe", is_flag=True,
              help="Transcribe the footage with the transcription extra (faster-whisper) for "
                   "sentence boundaries, speech rate, hook words, titles and auto captions.")
@click.option("--model", default="base", show_default=True,
              help="With --transcribe: faster-whisper size name or CTranslate2 model folder.")
@click.option("--language", default="auto", show_default=True,
              help="With --transcribe: Whisper language code, or auto.")
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
def command(
    footage: Path, count: int, length_text: str, target: str, as_json: bool,
    write_to: Path | None, sheet: Path | None, transcript: Path | None, transcribe: bool,
    model: str, language: str, quiet: bool,
) -> None:
    """Suggest clips from FOOTAGE: ranked, scored, each score split into its parts.

    \b
    One pass over the footage measures shot changes, motion, EBU R128 momentary
    loudness and pauses; a transcript (--transcript FILE, or --transcribe with the
    transcription extra) adds sentence boundaries, speech rate and hook words.
    Clips start and end on pauses, sentences or cuts, never overlap, and are
    spread over the footage.
    \b
    Examples:
      vidcamp suggest talk.mp4 --count 10 --length 20-45
      vidcamp suggest talk.mp4 --write campaign.yaml     # then validate and build
    """
    from vidcamp.errors import UsageError
    from vidcamp.suggest.engine import check_footage, effective_range, parse_length, suggest_clips
    from vidcamp.suggest.transcript import load_words, transcribe_footage

    length = parse_length(length_text)
    # a bad --length or --target, or footage too short, fails before any work
    info = check_footage(footage, effective_range(length, target)[0])
    if write_to is not None:
        from vidcamp.suggest.output import check_target

        check_target(write_to)  # a target that does not parse: say so before the long pass
    if transcript is not None and transcribe:
        raise UsageError("--transcript and --transcribe: give one or the other")
    words = None
    auto = None
    if transcript is not None:
        words = load_words(transcript)
    elif transcribe and info.has_audio:
        with _Progress(footage, info.duration, quiet or as_json, "transcribing") as bar:
            words = transcribe_footage(footage, info.duration, model=model,
                                       language=language, progress=bar.update)
        auto = (model, language)
    with _Progress(footage, info.duration, quiet or as_json, "analysing") as bar:
        result = suggest_clips(footage, count=count, length=length, target=target,
                               words=words, progress=bar.update, auto_captions=auto)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    written = None
    if write_to is not None and result.suggestions:
        from vidcamp.suggest.output import write_campaign

        written = write_campaign(result, write_to)
        if sheet is None:
            sheet = write_to.with_name(f"{write_to.stem}.suggest.png")
    sheet_path = None
    if sheet is not None and result.suggestions:
        from vidcamp.suggest.sheet import contact_sheet

        sheet_path = contact_sheet(result, sheet)
    if as_json:
        from vidcamp.cli._common import emit_json
        from vidcamp.suggest.output import to_json

        data = to_json(result)
        if written is not None:
            data["written"] = {"file": str(written.path), "clips": list(written.clip_ids),
                               "created": written.created}
            for clip, written_id in zip(data["clips"], written.clip_ids, strict=True):
                clip["id"] = written_id  # suffixed where the campaign already had the id
        if sheet_path is not None:
            data["sheet"] = str(sheet_path)
        emit_json(data)
        return
    _table(result)
    if written is not None:
        verb = "wrote" if written.created else "appended to"
        click.echo(f"{verb} {written.path}: {len(written.clip_ids)} clips "
                   f"({written.clip_ids[0]} ... {written.clip_ids[-1]})")
    if sheet_path is not None:
        click.echo(f"contact sheet: {sheet_path}")


def _table(result: Any) -> None:
    from rich.table import Table

    from vidcamp.cli._common import console
    from vidcamp.spec.timecode import format_timecode
    from vidcamp.suggest.output import clip_id

    lo, hi = result.length_range
    table = Table(title=f"{result.footage.name}: {len(result.suggestions)} clips "
                        f"for {result.target}, {lo:g}-{hi:g} s "
                        f"({result.considered} candidates scored)")
    for name in ("#", "id", "from", "to", "s", "score", "strongest parts", "title"):
        table.add_column(name, justify="right" if name in ("#", "s", "score") else "left")
    taken: set[str] = set()
    for s in result.suggestions:
        table.add_row(
            str(s.rank), clip_id(s, taken), format_timecode(s.start), format_timecode(s.end),
            f"{s.end - s.start:.1f}", f"{s.score:.1f}",
            ", ".join(s.strongest()), s.title,
        )
    console().print(table)


class _Progress:
    """A pass over the footage: a rich bar on a terminal, a line every 25% otherwise, or nothing."""

    def __init__(self, footage: Path, total: float, quiet: bool, verb: str) -> None:
        self.footage = footage
        self.verb = verb
        self.quiet = quiet
        self.total = total
        self.began = time.monotonic()
        self.next_mark = 0.25
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> _Progress:
        if self.quiet:
            return self
        if sys.stderr.isatty():
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn(self.verb), BarColumn(),
                                TextColumn("{task.percentage:>3.0f}%"), TimeRemainingColumn(),
                                transient=True)
            self.bar.start()
            self.task = self.bar.add_task("analysis", total=max(self.total, 1e-6))
        else:
            click.echo(f"{self.verb} {self.footage.name} ({self.total:.0f} s)", err=True)
        return self

    def update(self, seconds: float) -> None:
        if self.quiet or self.total <= 0:
            return
        if self.bar is not None:
            self.bar.update(self.task, completed=seconds)
            return
        done = min(1.0, seconds / self.total)
        if done >= self.next_mark and done < 1.0:
            self.next_mark = (int(done * 4) + 1) / 4
            elapsed = time.monotonic() - self.began
            left = elapsed * (1 - done) / done if done else 0.0
            click.echo(f"{self.verb} {self.footage.name}: {done:4.0%}, about {left:.0f} s left",
                       err=True)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
