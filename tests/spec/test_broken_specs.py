"""Broken campaign specs: each gives ONE line naming file:line:col and the field, exit code 3.

BASE is a valid campaign; each case swaps some lines. Line numbers in the expectations are
those of the case's own text (shown when a case fails).
"""

from __future__ import annotations

import shutil
import time
import tracemalloc
from pathlib import Path

import pytest

from vidcamp.cli import main

BASE = """\
name: t
sources:
  main: clip.mp4
clips:
  - id: a
    source: main
    cut:
      - {from: 0, to: 2}
targets:
  x: {}
"""


def case(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


# (id, campaign text, expected "file:line:col field:" start, expected fragment of the reason)
CASES: list[tuple[str, str, str, str]] = [
    (
        "bad-timecode",
        case("to: 2}", 'to: "01:75"}'),
        "c.yaml:8:23 clips[0].cut[0].to:",
        '"01:75" is not a timecode (HH:MM:SS.mmm, MM:SS or seconds)',
    ),
    (
        "word-timecode",
        case("from: 0,", "from: soon,"),
        "c.yaml:8:16 clips[0].cut[0].from:",
        '"soon" is not a timecode',
    ),
    (
        "negative-time",
        case("from: 0,", "from: -1,"),
        "c.yaml:8:16 clips[0].cut[0].from:",
        "-1 is not a timecode",
    ),
    (
        "unknown-top-key",
        BASE + "shedule: {}\n",
        "c.yaml:11:1 shedule:",
        'unknown field "shedule" (did you mean "schedule"?)',
    ),
    (
        "unknown-clip-key",
        case("    source: main\n", "    source: main\n    captoins: {}\n"),
        "c.yaml:7:5 clips[0].captoins:",
        'unknown field "captoins" (did you mean "captions"?)',
    ),
    (
        "unknown-target-key",
        case("x: {}", "x: {refame: pad}"),
        "c.yaml:10:7 targets.x.refame:",
        'did you mean "reframe"?',
    ),
    (
        "title-list",
        case("    source: main\n", "    source: main\n    title: [a, b]\n"),
        "c.yaml:7:12 clips[0].title:",
        "expected text, got a list",
    ),
    (
        "cut-string",
        case("    cut:\n      - {from: 0, to: 2}\n", "    cut: 0-2\n"),
        "c.yaml:7:10 clips[0].cut:",
        'expected a list, got "0-2"',
    ),
    (
        "targets-list",
        case("  x: {}\n", "  - x\n"),
        "c.yaml:10:3 targets:",
        "expected a mapping of fields, got a list",
    ),
    (
        "bad-reframe",
        case("x: {}", "x: {reframe: zoom}"),
        "c.yaml:10:16 targets.x.reframe:",
        "\"zoom\" is not one of 'crop', 'pad', 'blur' or 'smart'",
    ),
    (
        "duplicate-id",
        case("targets:", "  - id: a\n    source: main\n    cut: [{from: 0, to: 1}]\ntargets:"),
        "c.yaml:9:9 clips[1].id:",
        'duplicate clip id "a" (also clips[0])',
    ),
    (
        "bad-id",
        case("id: a", "id: my clip!"),
        "c.yaml:5:9 clips[0].id:",
        '"my clip!" is not a valid id',
    ),
    (
        "missing-cut",
        case("    cut:\n      - {from: 0, to: 2}\n", ""),
        "c.yaml:5:5 clips[0].cut:",
        "required field is missing",
    ),
    ("missing-name", case("name: t\n", ""), "c.yaml:1:1 name:", "required field is missing"),
    (
        "empty-cut",
        case("    cut:\n      - {from: 0, to: 2}\n", "    cut: []\n"),
        "c.yaml:7:10 clips[0].cut:",
        "needs at least 1 item",
    ),
    (
        "missing-source-file",
        case("main: clip.mp4", "main: nowhere.mp4"),
        "c.yaml:3:9 sources.main:",
        "nowhere.mp4: file not found",
    ),
    (
        "source-not-media",
        case("main: clip.mp4", "main: garbage.mp4"),
        "c.yaml:3:9 sources.main:",
        "garbage.mp4: not a readable media file",
    ),
    (
        "source-no-video",
        case("main: clip.mp4", "main: voice.m4a"),
        "c.yaml:3:9 sources.main:",
        "voice.m4a: has no video stream",
    ),
    (
        "cut-past-end",
        case("to: 2}", "to: 99}"),
        "c.yaml:8:23 clips[0].cut[0].to:",
        "99 s is past the end of clip.mp4 (3.000 s long)",
    ),
    (
        "cut-backwards",
        case("{from: 0, to: 2}", "{from: 2, to: 1}"),
        "c.yaml:8:23 clips[0].cut[0].to:",
        "ends at 1 s, not after its start (2 s)",
    ),
    (
        "naive-schedule",
        BASE + "schedule:\n  start: 2026-12-01 09:00:00\n",
        "c.yaml:12:10 schedule.start:",
        "has no time zone",
    ),
    (
        "naive-publish-at",
        case("    source: main\n", "    source: main\n    publish_at: 2026-12-01T09:00:00\n"),
        "c.yaml:7:17 clips[0].publish_at:",
        "has no time zone",
    ),
    (
        "unknown-platform",
        case("  x: {}\n", "  youtub_shorts: {}\n"),
        "c.yaml:10:3 targets.youtub_shorts:",
        'unknown platform preset "youtub_shorts" (did you mean "youtube_shorts"?)',
    ),
    (
        "unknown-account-platform",
        BASE + "accounts:\n  tiktok: me\n",
        "c.yaml:12:3 accounts.tiktok:",
        '"tiktok" is not a platform vidcamp publishes to',
    ),
    (
        "tab-indent",
        case("    source: main\n", "\tsource: main\n"),
        "c.yaml:6:1",
        "YAML syntax: a tab character; indent with spaces, not tabs",
    ),
    ("empty-file", "", "c.yaml:1:1", "the file is empty"),
    ("comments-only", "# nothing yet\n", "c.yaml:1:1", "the file is empty"),
    ("not-a-mapping", "- a\n- b\n", "c.yaml:1:1", "expected a mapping of campaign fields"),
    ("yaml-syntax", case("x: {}", "x: {reframe: pad"), "c.yaml:11:1", "YAML syntax:"),
    (
        "duplicate-key",
        "name: t\n" + BASE,
        "c.yaml:2:1 name:",
        'duplicate key "name" (first given at line 1)',
    ),
    (
        "unknown-source-ref",
        case("source: main", "source: other"),
        "c.yaml:6:13 clips[0].source:",
        'unknown source "other" (defined: main)',
    ),
    (
        "missing-caption-file",
        case("    source: main\n", "    source: main\n    captions: {file: subs.srt}\n"),
        "c.yaml:7:22 clips[0].captions.file:",
        "subs.srt: file not found",
    ),
    (
        "unknown-template-field",
        case("x: {}", 'x: {title: "{clip.name} #x"}'),
        "c.yaml:10:14 targets.x.title:",
        'unknown template field "{clip.name}"',
    ),
    (
        "bad-timezone",
        BASE + "schedule:\n  timezone: Mars/Olympus\n",
        "c.yaml:12:13 schedule.timezone:",
        '"Mars/Olympus" is not a known time zone',
    ),
    (
        "bad-stagger",
        BASE + "schedule:\n  every: tomorrow\n",
        "c.yaml:12:10 schedule.every:",
        '"tomorrow" is not a duration such as 90s, 45m, 2h30m or 1d',
    ),
    (
        "loudness-range",
        BASE + "brand:\n  loudness: -100\n",
        "c.yaml:12:13 brand.loudness:",
        "-100 should be greater than or equal to -70",
    ),
    (
        "focus-range",
        case("x: {}", "x: {focus: [0.5, 2]}"),
        "c.yaml:10:6 targets.x:",
        "focus must be two numbers between 0 and 1",
    ),
    (
        "thumbnail-past-end",
        case("    source: main\n", "    source: main\n    thumbnail: 5\n"),
        "c.yaml:7:16 clips[0].thumbnail:",
        "5 s is past the end of the clip (2 s)",
    ),
    (
        "too-short-for-reels",
        case("  x: {}\n", "  facebook_reels: {}\n"),
        "c.yaml:8:7 clips[0].cut:",
        "clip is 2.0 s but facebook_reels needs at least 3 s",
    ),
    (
        "undefined-clip-target",
        case("    source: main\n", "    source: main\n    targets: [tiktok]\n"),
        "c.yaml:7:15 clips[0].targets[0]:",
        'unknown target "tiktok" (defined: x)',
    ),
    ("two-documents", BASE + "---\nname: u\n", "c.yaml:12:1", "found a second YAML document"),
    (
        "defaults-unknown-key",
        BASE + "defaults:\n  hashtag: [a]\n",
        "c.yaml:12:3 defaults.hashtag:",
        'unknown field "hashtag"',
    ),
    (
        "defaults-bad-inherited-time",
        BASE + "defaults:\n  thumbnail: later\n",
        "c.yaml:12:14 defaults.thumbnail:",
        '"later" is not a timecode',
    ),
    (
        "watermark-missing",
        BASE + "brand:\n  watermark: {image: logo.png}\n",
        "c.yaml:12:22 brand.watermark.image:",
        "logo.png: file not found",
    ),
    (
        "caption-file-not-subtitles",
        case("    source: main\n", "    source: main\n    captions: {file: notes.srt}\n"),
        "c.yaml:7:22 clips[0].captions.file:",
        "notes.srt: not a subtitle file pysubs2 can read",
    ),
    (
        "unknown-caption-style",
        case("x: {}", "x: {caption_style: popp}"),
        "c.yaml:10:22 targets.x.caption_style:",
        'unknown caption style "popp" (did you mean "pop"?)',
    ),
    (
        "bool-for-privacy",
        BASE + "schedule:\n  privacy: yes\n",
        "c.yaml:12:12 schedule.privacy:",
        "True is not one of 'public', 'unlisted' or 'private'",
    ),
]


def laughs(levels: int, fan: int = 10) -> str:
    """A "billion laughs" document: a few KB whose aliases expand to fan**levels values."""
    rows = ["lol0: &lol0 [" + ", ".join(["lol"] * fan) + "]"]
    for i in range(1, levels + 1):
        rows.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * fan) + "]")
    return BASE + "\n".join(rows) + "\n"


def merge_laughs(levels: int) -> str:
    """The same through merge keys: each mapping merges the one before it twice over."""
    rows = ["m0: &m0 {a: 1, b: 2}"]
    for i in range(1, levels + 1):
        rows.append(f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}], k{i}: 1}}")
    return BASE + "\n".join(rows) + "\n"


# Hostile specs: refused at the place where the problem is written, fast and in little memory
# (the bounds are asserted by test_hostile_spec_is_refused_within_bounds).
HOSTILE: list[tuple[str, str, str, str]] = [
    (
        "alias-bomb",
        laughs(9),
        "c.yaml:15:63",
        "aliases here expand the document past 100,000 values",
    ),
    ("merge-key-bomb", merge_laughs(40), "c.yaml:24:17", "aliases here expand the document past"),
    (
        "deep-flow",
        BASE + "x: " + "[" * 5_000 + "]" * 5_000 + "\n",
        "c.yaml:11:67",
        "nested more than 64 levels deep",
    ),
    (
        "deep-block",
        BASE + "".join("  " * i + f"k{i}:\n" for i in range(100)),
        "c.yaml:74:127",
        "nested more than 64 levels deep",
    ),
    (
        "deep-through-aliases",
        BASE + "a: &a " + "[" * 40 + "]" * 40 + "\nb: " + "[" * 40 + "*a" + "]" * 40 + "\n",
        "c.yaml:12:",
        "nested more than 64 levels deep (through aliases)",
    ),
    (
        "self-alias",
        BASE + "x: &a [1, *a]\n",
        "c.yaml:11:11",
        "alias *a is used inside its own anchor",
    ),
    (
        "python-tag",
        case("name: t", "name: !!python/object/apply:os.system [echo hi]"),
        "c.yaml:1:7",
        "the tag !!python/object/apply:os.system is not allowed; a campaign is plain YAML data",
    ),
    (
        "unknown-tag",
        case("x: {}", "x: !fancy {}"),
        "c.yaml:10:6",
        "the tag !fancy is not allowed",
    ),
    (
        "binary-tag",
        BASE + "logo: !!binary aGk=\n",
        "c.yaml:11:7",
        "the tag !!binary is not allowed",
    ),
    (
        "complex-key",
        BASE + "? [a, b]\n: 1\n",
        "c.yaml:11:3",
        "a key must be plain text, not a list or mapping",
    ),
]
CASES += HOSTILE


@pytest.fixture
def campaign_dir(tmp_path: Path, media_dir: Path) -> Path:
    for name in ("clip.mp4", "voice.m4a", "garbage.mp4"):
        shutil.copy(media_dir / name, tmp_path / name)
    (tmp_path / "notes.srt").write_text("these are notes,\nnot captions\n")
    return tmp_path


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(args)
        raise SystemExit(0)
    captured = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 0), captured.out, captured.err


def test_there_are_at_least_thirty_cases() -> None:
    assert len(CASES) >= 30
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize(
    ("text", "where", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_broken_spec_gives_one_line_and_exit_3(
    text: str, where: str, reason: str, campaign_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = campaign_dir / "c.yaml"
    spec.write_text(text, encoding="utf-8")
    code, _, err = run_cli(["validate", str(spec)], capsys)
    lines = err.strip().splitlines()
    assert code == 3, err
    assert len(lines) == 1, f"expected one line, got:\n{err}\n--- spec ---\n{text}"
    assert lines[0].startswith(f"error: {where}"), f"{lines[0]}\n--- spec ---\n{text}"
    assert reason in lines[0]
    assert "Traceback" not in err


@pytest.mark.parametrize("text", [c[1] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_hostile_spec_is_refused_within_bounds(
    text: str, campaign_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # CPU time, not wall-clock, so that a busy machine does not fail the bound; memory is
    # measured in a second run because tracemalloc slows every allocation down
    spec = campaign_dir / "c.yaml"
    spec.write_text(BASE, encoding="utf-8")
    assert run_cli(["validate", str(spec)], capsys)[0] == 0  # imports and probes done untimed
    spec.write_text(text, encoding="utf-8")
    assert len(text.encode()) < 250_000
    started = time.process_time()
    code, _, err = run_cli(["validate", str(spec)], capsys)
    spent = time.process_time() - started
    assert code == 3, err
    assert spent < 1.0, f"{spent:.2f} s of CPU"
    tracemalloc.start()
    try:
        code, _, err = run_cli(["validate", str(spec)], capsys)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 3, err
    assert peak < 16 * 2**20, f"peak {peak / 2**20:.1f} MiB"


def test_each_explicit_tag_gets_its_own_line(
    campaign_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = campaign_dir / "c.yaml"
    spec.write_text(
        case("name: t", "name: !!python/name:os.system ''").replace("x: {}", "x: !t {}")
        + "y: !!str 1:30\n"
    )
    code, _, err = run_cli(["validate", str(spec)], capsys)
    assert code == 3
    assert err.strip().splitlines() == [
        "error: c.yaml:1:7 the tag !!python/name:os.system is not allowed; a campaign is plain"
        " YAML data",
        "error: c.yaml:10:6 the tag !t is not allowed; a campaign is plain YAML data",
    ]


def test_aliases_within_the_budget_still_work(tmp_path: Path) -> None:
    from vidcamp.spec.yamlpos import load_yaml

    spec = tmp_path / "c.yaml"
    spec.write_text("tags: &t [a, b]\nmore: *t\nbase: &b {x: 1}\nderived: {<<: *b, y: 2}\n")
    value, _ = load_yaml(spec)
    assert value == {
        "tags": ["a", "b"],
        "more": ["a", "b"],
        "base": {"x": 1},
        "derived": {"x": 1, "y": 2},
    }


def test_oversized_spec_file(campaign_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = campaign_dir / "c.yaml"
    spec.write_text(BASE + "# padding\n" * 500_000)
    code, _, err = run_cli(["validate", str(spec)], capsys)
    assert code == 3
    assert err.strip() == "error: c.yaml the file is 4.8 MiB; a campaign spec is at most 4 MiB"


def test_not_utf8_spec(campaign_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = campaign_dir / "c.yaml"
    spec.write_bytes(BASE.replace("name: t", "name: t # caff\xe8").encode("latin-1"))
    code, _, err = run_cli(["validate", str(spec)], capsys)
    assert code == 3
    assert err.strip() == "error: c.yaml:1 the file is not UTF-8 text; save it as UTF-8"


def test_missing_spec_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["validate", str(tmp_path / "nope.yaml")], capsys)
    assert code == 3
    assert err.strip() == "error: nope.yaml file not found"


def test_several_errors_are_all_listed_in_file_order(
    campaign_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = campaign_dir / "c.yaml"
    spec.write_text(case("x: {}", "x: {reframe: zoom}").replace("to: 2}", 'to: "1:2:3:4"}'))
    code, _, err = run_cli(["validate", str(spec)], capsys)
    assert code == 3
    lines = err.strip().splitlines()
    assert [line.split()[1] for line in lines] == ["c.yaml:8:23", "c.yaml:10:16"]


def test_verbose_shows_the_traceback(
    campaign_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = campaign_dir / "c.yaml"
    spec.write_text(BASE + "shedule: {}\n")
    code, _, err = run_cli(["--verbose", "validate", str(spec)], capsys)
    assert code == 3
    assert "Traceback" in err
    assert err.strip().splitlines()[-1].startswith("error: c.yaml:11:1 shedule:")


def test_valid_base_passes(campaign_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = campaign_dir / "c.yaml"
    spec.write_text(BASE)
    code, out, err = run_cli(["validate", str(spec)], capsys)
    assert code == 0, err
    assert "valid" in out
