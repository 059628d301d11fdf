"""The build manifest: which variant of a clip was rendered from which content hash."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from vidcamp.jobs import ClipRender, Variant

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
# Temporary names: hidden, never the final name, recognisable for clean-up.
TEMP_MARK = ".partial"


def manifest_path(job: ClipRender) -> Path:
    return job.clip_dir / MANIFEST


def read_manifest(job: ClipRender) -> dict[str, Any]:
    """The clip's manifest, or an empty one when it is missing or unreadable."""
    try:
        data = json.loads(manifest_path(job).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"version": MANIFEST_VERSION, "variants": {}}
    if not isinstance(data, dict) or not isinstance(data.get("variants"), dict):
        return {"version": MANIFEST_VERSION, "variants": {}}
    return data


def is_cached(variant: Variant, manifest: dict[str, Any]) -> bool:
    """Output, thumbnail and manifest entry exist and agree with the variant's content hash."""
    entry = manifest.get("variants", {}).get(variant.target)
    if not isinstance(entry, dict) or entry.get("content_hash") != variant.content_hash:
        return False
    try:
        size = variant.output.stat().st_size
    except OSError:
        return False
    return size == entry.get("bytes") and variant.thumbnail.is_file()


def write_manifest(job: ClipRender, manifest: dict[str, Any]) -> None:
    """Write the manifest atomically (temp file in the same folder, then rename)."""
    job.clip_dir.mkdir(parents=True, exist_ok=True)
    manifest["version"] = MANIFEST_VERSION
    manifest["campaign"] = job.campaign
    manifest["clip"] = job.clip_id
    fd, tmp = tempfile.mkstemp(prefix=f".{MANIFEST}.", suffix=TEMP_MARK, dir=job.clip_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, indent=2, sort_keys=True)
            fh.write("\n")
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600; a manifest is no secret
        os.replace(tmp, manifest_path(job))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def temp_name(final: Path) -> Path:
    """A hidden sibling of ``final`` with the same extension (ffmpeg picks formats by it)."""
    return final.with_name(f".{final.stem}.{os.getpid()}{TEMP_MARK}{final.suffix}")


def remove_stale_temps(clip_dir: Path) -> None:
    """Delete temp files an interrupted build left behind (not those of a live build)."""
    if not clip_dir.is_dir():
        return
    for path in clip_dir.glob(f".*{TEMP_MARK}*"):
        owner = _owner_pid(path.name)
        if owner is not None and owner != os.getpid() and _alive(owner):
            continue
        with contextlib.suppress(OSError):
            path.unlink()


def _owner_pid(name: str) -> int | None:
    """The pid in ``.<stem>.<pid>.partial<suffix>``, if the name has one."""
    head = name.split(TEMP_MARK, 1)[0]
    pid = head.rsplit(".", 1)[-1]
    return int(pid) if pid.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
