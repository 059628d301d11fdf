"""The moviepy tier of effects: user functions ``(frame, t, **args) -> frame`` over the cut.

moviepy (the ``vidcamp[effects]`` extra) reads the clip's cut and applies the functions; the
frames stream as raw RGB into the stdin of the clip's one ffmpeg run, which reframes, captions,
normalises loudness and encodes exactly as for any other clip. Nothing at full quality is
written to disk besides the final outputs. This is the only module that imports moviepy.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable, Sequence
from typing import IO, Any

from vidcamp.errors import RenderError
from vidcamp.jobs import ClipRender, Effect
from vidcamp.media.probe import MediaInfo

FrameFunction = Callable[..., Any]


class _Stop(Exception):
    """Raised inside moviepy's frame loop to abandon the render with a one-line reason."""


def _load(function: str, search_dir: str | None) -> FrameFunction:
    """Import ``module:function`` fresh (a changed source is re-read); RenderError if it fails."""
    module_name, _, name = function.partition(":")
    added = False
    if search_dir and search_dir not in sys.path:
        sys.path.insert(0, search_dir)
        added = True
    try:
        importlib.invalidate_caches()
        sys.modules.pop(module_name, None)  # read the source as it is now
        module = importlib.import_module(module_name)
        fn = getattr(module, name, None)
    except Exception as exc:  # the user's module: any error it raises is its own
        raise RenderError(
            f"python effect {function}: cannot import it ({type(exc).__name__}: {exc})"
        ) from None
    finally:
        if added:
            sys.path.remove(search_dir or "")
    if not callable(fn):
        raise RenderError(f"python effect {function}: {module_name} has no function {name!r}")
    return fn


class PythonFeed:
    """The cut with the clip's Python effects applied, as raw RGB frames for ffmpeg's stdin."""

    def __init__(self, job: ClipRender, effects: Sequence[Effect], source: MediaInfo) -> None:
        import importlib.util

        if importlib.util.find_spec("moviepy") is None:
            raise RenderError(
                f"{job.clip_id}: Python effects need moviepy: pip install 'vidcamp[effects]'"
            )
        self.job = job
        self.effects = list(effects)
        self.functions = [
            _load(str(e.param("python")), e.param("search_dir")) for e in self.effects
        ]
        self.args = [json.loads(e.param("args") or "{}") for e in self.effects]
        self.size = source.square_size
        rate = source.video.fps if source.video is not None else 0.0
        self.fps = rate if rate > 0 else 30.0

    @property
    def pipe(self) -> tuple[int, int, float]:
        """Width, height and rate of the raw frames written to ffmpeg."""
        return self.size[0], self.size[1], self.fps

    def _apply(self, k: int) -> Callable[[Callable[[float], Any], float], Any]:
        import numpy as np

        effect, fn, args = self.effects[k], self.functions[k], self.args[k]
        name = str(effect.param("python"))

        def frame_at(get_frame: Callable[[float], Any], t: float) -> Any:
            frame = get_frame(t)
            if not effect.start - 1e-9 <= t < effect.end:
                return frame
            try:
                out = fn(frame, t, **args)
            except Exception as exc:  # the user's code: report it, whatever it raised
                raise _Stop(f"python effect {name} failed at {t:.3f} s: "
                            f"{type(exc).__name__}: {exc}") from None
            if not isinstance(out, np.ndarray):
                raise _Stop(f"python effect {name} returned {type(out).__name__} at {t:.3f} s, "
                            "not a numpy array (a frame)")
            if out.shape != frame.shape:
                raise _Stop(f"python effect {name} returned a frame of shape {out.shape} at "
                            f"{t:.3f} s; expected {frame.shape} (height, width, RGB)")
            if out.dtype != np.uint8:
                raise _Stop(f"python effect {name} returned {out.dtype} pixels at {t:.3f} s; "
                            "expected uint8 (0..255)")
            return out

        return frame_at

    def write(self, stdin: IO[bytes]) -> None:
        """Stream every frame of the cut into ``stdin``; RenderError naming any failure."""
        from moviepy import VideoFileClip, concatenate_videoclips

        what = self.job.clip_id
        try:
            source = VideoFileClip(str(self.job.source), audio=False)
        except Exception as exc:  # moviepy reports unreadable files in many ways
            raise RenderError(f"{what}: moviepy cannot read {self.job.source}: {exc}") from None
        try:
            pieces = [source.subclipped(s.start, s.end) for s in self.job.segments]
            cut = pieces[0] if len(pieces) == 1 else concatenate_videoclips(pieces)
            if tuple(cut.size) != tuple(self.size):
                cut = cut.resized(new_size=self.size)
            for k in range(len(self.effects)):
                cut = cut.transform(self._apply(k))
            for frame in cut.iter_frames(fps=self.fps, dtype="uint8"):
                stdin.write(frame.tobytes())
        except _Stop as exc:
            raise RenderError(f"{what}: {exc}") from None
        finally:
            source.close()

