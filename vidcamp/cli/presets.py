"""`vidcamp presets`: the platform presets table."""

from __future__ import annotations

from dataclasses import asdict

import click

from vidcamp.cli._common import console, emit_json


def _bytes(n: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20)):
        if n >= size:
            return f"{n / size:g} {unit}"
    return f"{n} B"


def _seconds(s: float) -> str:
    if s >= 3600 and s % 3600 == 0:
        return f"{s / 3600:g} h"
    if s >= 60 and s % 60 == 0:
        return f"{s / 60:g} min"
    return f"{s:g} s"


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print every field as JSON.")
@click.argument("names", nargs=-1)
def command(as_json: bool, names: tuple[str, ...]) -> None:
    """List platform presets: size, aspect, limits and encode (or only NAMES)."""
    from rich.table import Table

    from vidcamp.errors import UsageError
    from vidcamp.presets import PRESETS

    unknown = [n for n in names if n not in PRESETS]
    if unknown:
        raise UsageError(f"unknown preset {unknown[0]!r} (known: {', '.join(PRESETS)})")
    chosen = [PRESETS[n] for n in names] if names else list(PRESETS.values())
    if as_json:
        emit_json([asdict(p) | {"aspect": p.aspect_label} for p in chosen])
        return
    table = Table(title="vidcamp platform presets")
    for col in ("preset", "publishes to", "size", "aspect", "fps", "duration", "max size",
                "video", "audio", "caption safe zone t/b/l/r"):
        table.add_column(col)
    for p in chosen:
        z = p.safe_zone
        table.add_row(
            p.name,
            p.platform or "(render only)",
            p.size,
            p.aspect_label,
            f"{p.fps_min:g}-{p.fps_max:g}",
            f"{_seconds(p.min_duration)}-{_seconds(p.max_duration)}",
            _bytes(p.max_bytes),
            f"{p.video_codec} {p.video_profile} {p.pix_fmt} GOP {p.gop_seconds:g}s "
            f"≤{p.video_maxrate_kbps / 1000:g} Mb/s",
            f"{p.audio_codec} {p.audio_rate // 1000}k {p.audio_bitrate_kbps} kb/s",
            f"{z.top:.0%}/{z.bottom:.0%}/{z.left:.0%}/{z.right:.0%}",
        )
    out = console()
    out.print(table)
    out.print("Sources: " + ", ".join(sorted({p.source for p in chosen})))
