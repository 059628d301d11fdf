"""Word captions: transcription speed, and the render cost of animated against line captions.

    python -m benchmarks.captions [--quick] [--rounds 2] [--model PATH]

1. **Transcription**: 60 s of speech (the committed espeak-ng fixtures, English and Italian,
   joined until they last 60 s) transcribed with the Whisper *base* model (int8, 2 threads,
   the model from the test-only packages unless ``--model`` names a folder), in process, with an
   empty segment cache; model loading is timed apart. Printed as a ratio of real time
   (issue goal <= 0.25x), then the same call again, answered from the cache.
2. **Render cost**: the standard benchmark job (``benchmarks/inputs.py``: 3 clips of 15 s from a
   1080p30 source, four targets, a caption line every 2 s; ``--quick``: the quick job) built
   with ``vidcamp build --force`` twice per round, alternated: captions as lines (``file:``,
   style ``pop``) and the same SRT as word captions (``words:``, style ``karaoke``: one event
   per word, the spoken word recoloured). Printed as medians and the ratio (goal <= 1.05).

Results are for the README and the report; not a test. The source is reused from
``benchmarks/work/inputs`` when the main harness made it.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import inputs  # noqa: E402
from benchmarks.measure import run_measured  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "speech"
SPEECH_SECONDS = 60.0


def speech_wav(path: Path, seconds: float = SPEECH_SECONDS) -> Path:
    """The committed fixtures joined (en, it, en, ...) and cut to ``seconds``."""
    frames = b""
    rate = 16000
    parts = []
    for name in ("en.wav", "it.wav"):
        with wave.open(str(FIXTURES / name)) as w:
            rate = w.getframerate()
            parts.append(w.readframes(w.getnframes()))
    want = int(seconds * rate) * 2
    k = 0
    while len(frames) < want:
        frames += parts[k % 2]
        k += 1
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames[:want])
    return path


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def bench_transcription(model: str | None) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix="vidcamp-bench-words-"))
    os.environ["VIDCAMP_TRANSCRIPT_CACHE"] = str(work / "cache")
    os.environ.setdefault("VIDCAMP_TRANSCRIBE_THREADS", "2")
    os.environ["HF_HUB_OFFLINE"] = "1"
    if model is None:
        from tests.transcribe.conftest import _join_model

        model = str(_join_model())
    from vidcamp.jobs import Segment
    from vidcamp.transcribe.whisper import load_model, transcribe_clip

    wav = speech_wav(work / "speech60.wav")
    t, c = time.perf_counter(), _cpu()
    load_model(model)
    load_wall, load_cpu = time.perf_counter() - t, _cpu() - c
    t, c = time.perf_counter(), _cpu()
    result = transcribe_clip(wav, [Segment(0.0, SPEECH_SECONDS)], language="auto", model=model)
    wall, cpu = time.perf_counter() - t, _cpu() - c
    t = time.perf_counter()
    again = transcribe_clip(wav, [Segment(0.0, SPEECH_SECONDS)], language="auto", model=model)
    cached = time.perf_counter() - t
    assert again.transcribed == 0
    return {
        "model_load_s": load_wall, "model_load_cpu_s": load_cpu, "transcribe_s": wall,
        "transcribe_cpu_s": cpu, "ratio_of_real_time": wall / SPEECH_SECONDS,
        "words": float(len(result.transcript.words)), "cached_s": cached,
        "load": os.getloadavg()[0],
    }


def bench_render(quick: bool, rounds: int) -> dict[str, float]:
    size = inputs.QUICK if quick else inputs.FULL
    work = ROOT / "benchmarks" / "work"
    src_dir = work / "inputs"
    source = inputs.make_source(src_dir / f"source-{size.name}.mp4", size)
    srt = inputs.write_srt(src_dir / f"captions-{size.name}.srt", size)
    cuts = inputs.clip_cuts(size, 3)
    folder = work / "captions" / size.name
    line = inputs.write_campaign(folder / "line", source, srt, cuts)
    animated_text = line.read_text(encoding="utf-8").replace(
        f"    file: {srt.resolve()}\n    style: pop",
        f"    words: {srt.resolve()}\n    style: karaoke",
    )
    assert "words:" in animated_text
    animated = folder / "animated" / "campaign.yaml"
    animated.parent.mkdir(parents=True, exist_ok=True)
    animated.write_text(animated_text, encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.setdefault("VIDCAMP_X264_PRESET", "ultrafast")
    env["VIDCAMP_LEDGER"] = str(work / "ledger" / "captions.sqlite")
    runs: dict[str, list[tuple[float, float]]] = {"line": [], "animated": []}
    for n in range(rounds):
        for label, campaign in (("line", line), ("animated", animated)):
            m = run_measured(
                f"{label}{n + 1}",
                [sys.executable, "-m", "vidcamp", "build", str(campaign), "--force",
                 "--no-queue", "-q"],
                env=env, cwd=ROOT, log=campaign.parent / f"{label}{n + 1}.log",
            )
            runs[label].append((m.wall, m.cpu))
            print(f"  {label} round {n + 1}: {m.wall:.2f} s wall, {m.cpu:.2f} s CPU, "
                  f"load {m.load:.1f}", flush=True)
    out: dict[str, float] = {}
    for label, values in runs.items():
        out[f"{label}_wall_s"] = statistics.median(v[0] for v in values)
        out[f"{label}_cpu_s"] = statistics.median(v[1] for v in values)
    out["wall_ratio"] = out["animated_wall_s"] / out["line_wall_s"]
    out["cpu_ratio"] = out["animated_cpu_s"] / out["line_cpu_s"]
    out["load"] = os.getloadavg()[0]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the quick job (720p, 5 s clips)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--model", help="a CTranslate2 Whisper folder (default: test packages)")
    parser.add_argument("--skip-render", action="store_true")
    parser.add_argument("--skip-transcribe", action="store_true")
    args = parser.parse_args()
    if not args.skip_transcribe:
        t = bench_transcription(args.model)
        print(f"transcription of {SPEECH_SECONDS:g} s of speech, Whisper base int8: "
              f"{t['transcribe_s']:.2f} s wall ({t['transcribe_cpu_s']:.2f} s CPU) = "
              f"{t['ratio_of_real_time']:.3f}x real time, {t['words']:.0f} words; model load "
              f"{t['model_load_s']:.2f} s; again from the cache {t['cached_s'] * 1000:.0f} ms "
              f"(load {t['load']:.1f})")
    if not args.skip_render:
        r = bench_render(args.quick, args.rounds)
        print(f"{'quick' if args.quick else 'standard'} job, medians of {args.rounds}: "
              f"line captions {r['line_wall_s']:.2f} s wall / {r['line_cpu_s']:.2f} s CPU, "
              f"animated (karaoke) {r['animated_wall_s']:.2f} s / {r['animated_cpu_s']:.2f} s: "
              f"{r['wall_ratio']:.3f}x wall, {r['cpu_ratio']:.3f}x CPU (load {r['load']:.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
