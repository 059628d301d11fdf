"""``vidcamp preview --sheet``: one PNG per clip, every target side by side, safe zones drawn."""

from __future__ import annotations

import subprocess
from pathlib import Path

from vidcamp.media.ffmpeg import find_ffmpeg

from .conftest import vidcamp

BLUE = (0, 0, 255)
PLACEHOLDER = (0x37, 0x41, 0x51)


def solid_jpeg(path: Path, size: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [str(find_ffmpeg()), "-v", "error", "-y", "-f", "lavfi", "-i", f"color=c=blue:s={size}",
         "-frames:v", "1", "-q:v", "2", str(path)],
        check=True, timeout=60,
    )


def close(pixel: tuple[int, ...], want: tuple[int, int, int], slack: int = 12) -> bool:
    return all(abs(a - b) <= slack for a, b in zip(pixel[:3], want, strict=True))


def test_sheet_shows_each_target_with_its_safe_zones(small_campaign: Path) -> None:
    from PIL import Image

    build = small_campaign.parent / "build" / "small"
    # a frame for one target only: the other is drawn as a "not built" card
    solid_jpeg(build / "clip00" / "youtube_shorts.jpg", "108x192")
    run = vidcamp("preview", "--sheet", "--no-ledger", str(small_campaign))
    assert run.returncode == 0, run.stderr
    sheet = build / "sheets" / "clip00.png"
    assert f"contact sheet: {sheet}" in run.stdout
    assert not (build / "sheets" / "clip01.png").exists()  # no frame of clip01 anywhere
    assert 'href="sheets/clip00.png"' in (build / "index.html").read_text(encoding="utf-8")

    image = Image.open(sheet).convert("RGB")
    # 16 px margin; tiles of 540 px plus a 64 px label: 9:16 is 304 wide, 16:9 is 960
    assert image.size == (16 + 304 + 16 + 960 + 16, 16 + 64 + 540 + 16)
    top = 16 + 64
    shorts, x = 16, 16 + 304 + 16
    assert close(image.getpixel((shorts + 150, top + 270)), BLUE)  # inside the safe area
    shaded = image.getpixel((shorts + 150, top + 20))  # Shorts UI covers the top 10%
    assert shaded[0] > 60 and shaded[2] > 120 and not close(shaded, BLUE)
    assert close(image.getpixel((shorts + 150, top + 500)), shaded)  # and the bottom 25%
    assert close(image.getpixel((x + 100, top + 300)), PLACEHOLDER)
    band = image.getpixel((x + 100, top + 530))  # feed UI: the bottom 10%
    assert band[0] > PLACEHOLDER[0] + 40
    assert not list(sheet.parent.glob(".*partial*"))
