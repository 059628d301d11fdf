"""Image sources: a photo, or a folder of photos, that becomes shots of a clip."""

from __future__ import annotations

from pathlib import Path

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp")


def is_image_source(path: Path) -> bool:
    """A folder, or a file with an image suffix (such a source is shown as still shots)."""
    return path.is_dir() or path.suffix.lower() in IMAGE_SUFFIXES


def image_files(path: Path) -> list[Path]:
    """The images of a source in name order: the file itself, or a folder's image files."""
    if path.is_dir():
        return sorted(
            p for p in path.iterdir()
            if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith(".")
        )
    return [path] if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES else []
