"""Each post's text exactly as its platform receives it, counted the way that platform counts.

The YouTube and X fields come from the uploaders' own request builders, so the page cannot
drift from what is sent. Facebook sends ``title`` and ``description``; Dailymotion also sends
the tags joined by commas; neither changes the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from vidcamp.jobs import Post
from vidcamp.presets import TEXT_LIMITS, TextLimit
from vidcamp.publish import UploadRequest

# twitter-text v3: these code point ranges weigh 1, everything else 2; a URL weighs 23.
_X_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_X_URL = re.compile(r"https?://\S+")
_X_URL_WEIGHT = 23
_ZWJ = 0x200D
_EMOJI_MODIFIERS = {0xFE0E, 0xFE0F, *range(0x1F3FB, 0x1F400)}  # presentation, skin tones


@dataclass(frozen=True)
class TextField:
    """One field of a post as sent (``tags`` shown as the platform receives them)."""

    name: str  # title | description | tags | text
    text: str
    count: int
    limit: int | None
    unit: str
    problems: tuple[str, ...] = ()

    @property
    def over(self) -> bool:
        return self.limit is not None and self.count > self.limit


def post_fields(post: Post) -> tuple[TextField, ...]:
    """The text fields ``post`` sends to its platform, counted against that platform's limits."""
    limits = TEXT_LIMITS.get(post.platform, {})
    if post.platform == "x":
        from vidcamp.publish.x import post_text

        text = post_text(_request(post))
        return (_field("text", text, limits),)
    if post.platform == "youtube":
        from vidcamp.publish.youtube import video_resource

        snippet = video_resource(_request(post))["snippet"]
        tags = list(snippet.get("tags") or [])
        fields = [
            _field("title", snippet["title"], limits),
            _field("description", snippet["description"], limits),
            TextField("tags", ", ".join(tags), youtube_tags_length(tags),
                      limits["tags"].limit, limits["tags"].unit),
        ]
        # videos.insert refuses both characters in title and description
        return tuple(
            _with_problem(f, "YouTube refuses < and > here")
            if f.name != "tags" and ("<" in f.text or ">" in f.text) else f
            for f in fields
        )
    fields = [_field("title", post.title, limits), _field("description", post.description, limits)]
    if post.platform == "dailymotion" and post.tags:
        fields.append(_field("tags", ",".join(post.tags), limits))
    return tuple(fields)


def count(text: str, unit: str) -> int:
    """Length of ``text`` in ``unit``: characters (code points), bytes (UTF-8) or weighted (X)."""
    if unit == "bytes":
        return len(text.encode("utf-8"))
    if unit == "weighted":
        return x_weighted_length(text)
    return len(text)


def x_weighted_length(text: str) -> int:
    """X's post length: NFC text, CJK and emoji count two, a URL 23 whatever its length.

    An emoji sequence joined by ZWJ, or carrying a skin tone or presentation selector, counts
    once, as X counts it.
    """
    text = unicodedata.normalize("NFC", text)
    total = 0
    for piece in _X_URL.split(text):
        joined = False
        for ch in piece:
            cp = ord(ch)
            if cp == _ZWJ:
                joined = True
                continue
            if cp in _EMOJI_MODIFIERS or joined:
                joined = False
                continue
            total += 1 if any(lo <= cp <= hi for lo, hi in _X_LIGHT) else 2
    return total + _X_URL_WEIGHT * len(_X_URL.findall(text))


def youtube_tags_length(tags: list[str]) -> int:
    """YouTube's count for the tags field: commas between tags, quotes around spaced ones."""
    if not tags:
        return 0
    return sum(len(t) + (2 if " " in t else 0) for t in tags) + len(tags) - 1


def _field(name: str, text: str, limits: dict[str, TextLimit]) -> TextField:
    limit = limits.get(name)
    unit = limit.unit if limit is not None else "characters"
    return TextField(name, text, count(text, unit), limit.limit if limit else None, unit)


def _with_problem(field: TextField, problem: str) -> TextField:
    return TextField(field.name, field.text, field.count, field.limit, field.unit,
                     (*field.problems, problem))


def _request(post: Post) -> UploadRequest:
    return UploadRequest(
        path=post.video, preset=post.preset, title=post.title, description=post.description,
        tags=post.tags, privacy=post.privacy, publish_at=post.publish_at,
        thumbnail=post.thumbnail, made_for_kids=post.made_for_kids,
    )
