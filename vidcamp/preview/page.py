"""``vidcamp preview``: plan the campaign, read manifests and ledger, write one static page.

The page is ``build/<campaign>/index.html`` beside the rendered files, which it references by
relative path (never inlined), so it works from ``file://`` with no server and no network.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vidcamp.errors import LedgerError, RenderError
from vidcamp.files import write_atomic
from vidcamp.preview.model import READY, LedgerState, PreviewPage, collect, variant_status

if TYPE_CHECKING:
    from vidcamp.jobs import Variant
    from vidcamp.spec.checks import CheckReport

log = logging.getLogger(__name__)

PAGE_NAME = "index.html"
SHEETS_DIR = "sheets"
LOUDNESS_CACHE = ".preview-loudness.json"


@dataclass(frozen=True)
class PreviewResult:
    page: Path
    data: PreviewPage
    sheets: tuple[Path, ...]


def build_preview(
    report: CheckReport,
    campaign_file: str,
    *,
    build_dir: Path | None = None,
    ledger_path: Path | None = None,
    sheet: bool = False,
    measure: bool = True,
    now: datetime | None = None,
) -> PreviewResult:
    """Write the campaign's preview page (and contact sheets with ``sheet``); return its path.

    ``ledger_path`` None leaves post states out; a path that does not exist says so on the
    page. ``measure`` False skips the loudness measurement of rendered outputs.
    """
    from vidcamp.plan import build_root, plan_posts, plan_renders, render_environment
    from vidcamp.render.cache import read_manifest

    moment = now or datetime.now(UTC)
    loaded = report.campaign
    spec = loaded.spec
    renders = plan_renders(loaded, render_environment(), build_dir=build_dir)
    posts = plan_posts(loaded, renders, now=moment)
    page_dir = build_root(loaded, build_dir)
    manifests = {r.clip_id: read_manifest(r) for r in renders}
    ready = [
        v for r in renders for v in r.variants
        if variant_status(v, manifests[r.clip_id])[0] == READY
    ]
    loudness = measure_loudness(ready, page_dir / LOUDNESS_CACHE) if measure else {}
    sheets: dict[str, Path] = {}
    if sheet:
        from vidcamp.preview.sheet import contact_sheet

        for r in renders:
            made = contact_sheet(r, page_dir / SHEETS_DIR / f"{r.clip_id}.png")
            if made is not None:
                sheets[r.clip_id] = made
    states, note = read_ledger(ledger_path, spec.name)
    data = collect(
        campaign=spec.name,
        campaign_file=campaign_file,
        renders=renders,
        posts=posts,
        manifests=manifests,
        titles={c.id: c.title or "" for c in spec.clips},
        warnings=[str(w) for w in report.warnings],
        page_dir=page_dir,
        zone=_zone(spec.schedule.timezone),
        ledger=states,
        ledger_note=note,
        loudness=loudness,
        sheets=sheets,
        now=moment,
    )
    page = page_dir / PAGE_NAME
    write_atomic(page, render_page(data))
    return PreviewResult(page, data, tuple(sheets.values()))


def render_page(data: PreviewPage) -> str:
    """The page's HTML, from templates/preview/ (autoescaped: spec text is never markup)."""
    import jinja2
    from markupsafe import Markup

    from vidcamp.paths import templates_dir

    folder = templates_dir() / "preview"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_bytecode_cache(jinja2),
    )
    env.filters["bytes"] = _human_bytes
    # the page's own stylesheet and script go in verbatim: they are files, not templates
    style = Markup((folder / "style.css").read_text(encoding="utf-8"))
    script = Markup((folder / "page.js").read_text(encoding="utf-8"))
    return env.get_template("page.html.j2").render(
        page=data, media_height=MEDIA_HEIGHT, style=style, script=script
    )


def _bytecode_cache(jinja2: Any) -> Any:
    """Compiled templates kept in the user cache dir: compiling costs more than rendering."""
    import platformdirs

    folder = Path(platformdirs.user_cache_dir("vidcamp")) / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


MEDIA_HEIGHT = 220  # px: every variant at this height, so aspect ratios read side by side


def read_ledger(path: Path | None, campaign: str) -> tuple[dict[str, LedgerState] | None, str]:
    """Post states by key from the ledger, or None and why not."""
    if path is None:
        return None, "post states not shown"
    if not path.exists():
        return None, f"no ledger at {path}: nothing queued yet (`vidcamp build` queues posts)"
    from vidcamp.ledger import Ledger

    try:
        with Ledger.open(path, create=False) as ledger:
            rows = ledger.posts(campaign)
    except LedgerError as exc:
        return None, f"ledger not readable: {exc}"
    states = {
        row.key: LedgerState(
            state=row.state,
            url=row.url,
            error=row.last_error if row.state != "published" else None,
            waiting_render=row.pending_render_hash is not None,
        )
        for row in rows
    }
    return states, f"post states from {path}"


def measure_loudness(variants: Sequence[Variant], cache_file: Path) -> dict[Path, float | None]:
    """Integrated loudness (LUFS) of each rendered output, measured once per content hash.

    The build manifest records the probe but not the loudness, so it is measured here (audio
    only, one short ffmpeg run per file) and kept in ``cache_file`` for the next preview.
    """
    try:
        cached = json.loads(cache_file.read_text(encoding="utf-8"))
        if not isinstance(cached, dict):
            cached = {}
    except (OSError, ValueError):
        cached = {}
    out: dict[Path, float | None] = {}
    fresh: dict[str, Any] = {}
    for v in variants:
        key = f"{v.output.parent.name}/{v.target}"
        size = v.output.stat().st_size
        entry = cached.get(key)
        if isinstance(entry, dict) and entry.get("hash") == v.content_hash and \
                entry.get("bytes") == size:
            value = entry.get("lufs")
        else:
            value = _measure_file(v.output)
        out[v.output] = value if isinstance(value, int | float) else None
        fresh[key] = {"hash": v.content_hash, "bytes": size, "lufs": out[v.output]}
    if fresh != cached:
        with contextlib.suppress(OSError):  # a cache we cannot write costs time, not results
            write_atomic(cache_file, json.dumps(fresh, indent=1, sort_keys=True) + "\n")
    return out


def _measure_file(path: Path) -> float | None:
    import math

    from vidcamp.media.ffmpeg import find_ffmpeg
    from vidcamp.render.audio import SILENCE_LUFS, parse_loudnorm_json
    from vidcamp.render.runner import run_ffmpeg

    args = [str(find_ffmpeg()), "-hide_banner", "-nostats", "-i", str(path), "-vn",
            "-af", "loudnorm=print_format=json", "-f", "null", "-"]
    try:
        result = run_ffmpeg(args, what=f"{path.name}: loudness")
        value = parse_loudnorm_json(result.stderr, path.name).input_i
    except RenderError as exc:
        log.warning("%s", exc)
        return None
    if not math.isfinite(value) or value <= SILENCE_LUFS:
        return None
    return round(value, 1)


def _zone(name: str | None) -> tzinfo | None:
    """The campaign's time zone (validation has checked the name), or None."""
    if name is None:
        return None
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _human_bytes(value: int | None) -> str:
    if value is None:
        return "—"
    size = float(value)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"

