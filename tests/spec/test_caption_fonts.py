"""`validate` checks that a font of the chain draws every caption character, and says where."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.render.conftest import make_source
from vidcamp.cli import cli
from vidcamp.errors import VidcampError
from vidcamp.transcribe.words import Transcript, Word, write_words

CAMPAIGN = """\
name: fonts
sources:
  main: footage.mp4
clips:
  - id: tokyo
    source: main
    cut: [{from: 0, to: 1.5}]
    captions:
      lines:
        - {start: 0, end: 1, text: "مرحبا שלום नमस्ते Caffè 🚀"}
        - {start: 1, end: 1.5, text: "Tokyo 東京"}
  - id: auto
    source: main
    cut: [{from: 0, to: 1.5}]
    captions: {auto: true, language: ja}
targets:
  x: {}
"""


@pytest.fixture()
def campaign(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # a machine with no CJK font installed
    monkeypatch.setenv("VIDCAMP_SYSTEM_FONT_DIRS", str(tmp_path / "no-fonts"))
    make_source(tmp_path / "footage.mp4", seconds=2)
    write_words(tmp_path / "captions" / "auto.words.json",
                Transcript((Word("hello", 0.1, 0.4), Word("世界", 0.5, 0.9)), "ja"))
    spec = tmp_path / "campaign.yaml"
    spec.write_text(CAMPAIGN, encoding="utf-8")
    return spec


def test_cjk_without_a_covering_font_fails_validation_with_file_and_line(campaign: Path) -> None:
    res = CliRunner().invoke(cli, ["validate", str(campaign)])
    assert isinstance(res.exception, VidcampError) and res.exception.exit_code == 3
    lines = res.exception.lines
    assert len(lines) == 2, lines
    inline, transcript = sorted(lines)
    # Arabic, Hebrew, accents and emoji are covered; the CJK line is named
    assert inline.startswith("campaign.yaml:11:"), inline
    assert "'東' (U+6771 CJK UNIFIED IDEOGRAPH-6771), '京'" in inline
    assert "install a CJK font" in inline
    words = (campaign.parent / "captions" / "auto.words.json").read_text().splitlines()
    line = next(n for n, text in enumerate(words, 1) if "世界" in text)
    assert f"captions/auto.words.json:{line}: no caption font of style 'karaoke' draws '世'" in transcript


def test_an_installed_cjk_font_satisfies_validation(
    campaign: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A system CJK font is found by its file name; a font that maps the characters stands in."""
    from fontTools.ttLib import TTFont

    from vidcamp.paths import fonts_dir

    folder = tmp_path / "sysfonts"
    folder.mkdir()
    font = TTFont(str(fonts_dir() / "Montserrat-Medium.ttf"))
    cmap = font["cmap"]
    for table in cmap.tables:  # map the CJK code points to an existing glyph
        if table.isUnicode():
            for ch in "東京世界":
                table.cmap[ord(ch)] = table.cmap[ord("A")]
    font.save(str(folder / "NotoSansCJK-Regular.otf"))
    monkeypatch.setenv("VIDCAMP_SYSTEM_FONT_DIRS", str(folder))
    res = CliRunner().invoke(cli, ["validate", str(campaign)])
    assert res.exception is None, res.output
