"""``vidcamp report``: each post's latest figures, rates, early growth and rankings.

Per clip x platform (one post): the latest value of every metric (empty where the platform
gives none, never zero), the engagement rate ((likes + comments + shares) / views, over the
figures the platform gives), the share rate (shares per 1,000 views: the viral signal), and the
views reached in the first 24 hours. Rankings order clips, hooks and titles by views and by
share rate. Output as JSON, CSV, or an HTML page with inline SVG charts (no script, no
network): views over time per variant and a platform comparison.
"""

from __future__ import annotations

import csv
import html
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from vidcamp.files import write_atomic
from vidcamp.stats import METRICS, VIEW_MEANING
from vidcamp.stats.store import Reading, StatPost

FIRST_DAY = timedelta(hours=24)


@dataclass
class PostFigures:
    """One post's latest figures and what the report derives from them."""

    post: StatPost
    hook: str | None
    latest: dict[str, float]
    as_of: datetime | None
    readings: int
    views_24h: float | None
    series: list[tuple[datetime, float]] = field(default_factory=list)  # views over time

    @property
    def engagement_rate(self) -> float | None:
        views = self.latest.get("views")
        parts = [self.latest[m] for m in ("likes", "comments", "shares") if m in self.latest]
        if not views or not parts:
            return None
        return sum(parts) / views

    @property
    def share_rate(self) -> float | None:
        """Shares per 1,000 views."""
        views, shares = self.latest.get("views"), self.latest.get("shares")
        if not views or shares is None:
            return None
        return shares * 1000 / views

    def to_json(self) -> dict[str, Any]:
        p = self.post
        return {
            "id": p.id, "key": p.key, "clip": p.clip_id, "target": p.target,
            "platform": p.platform, "account": p.account, "title": p.title, "hook": self.hook,
            "url": p.url, "remote_id": p.remote_id, "published": p.publish_at.isoformat(),
            "gone": p.gone, "as_of": self.as_of.isoformat() if self.as_of else None,
            "readings": self.readings,
            "metrics": {m: _clean(self.latest.get(m)) for m in METRICS},
            "engagement_rate": _round(self.engagement_rate),
            "share_rate_per_1000": _round(self.share_rate),
            "views_first_24h": _clean(self.views_24h),
        }


@dataclass
class CampaignReport:
    campaign: str
    generated: datetime
    posts: list[PostFigures]

    def rankings(self) -> dict[str, list[dict[str, Any]]]:
        """Clips, hooks and titles ranked by views (ties: share rate)."""
        out: dict[str, list[dict[str, Any]]] = {}
        for name, key in (("clips", lambda f: f.post.clip_id), ("hooks", lambda f: f.hook),
                          ("titles", lambda f: f.post.title)):
            groups: dict[str, list[PostFigures]] = defaultdict(list)
            for figures in self.posts:
                label = key(figures)
                if label:
                    groups[label].append(figures)
            rows = [_group_row(label, members) for label, members in groups.items()]
            rows.sort(key=lambda r: (-(r["views"] or 0), -(r["share_rate_per_1000"] or 0),
                                     r["name"]))
            for rank, row in enumerate(rows, start=1):
                row["rank"] = rank
            out[name] = rows
        return out

    def platforms(self) -> dict[str, dict[str, Any]]:
        """Per platform: posts, total views and shares, share rate."""
        groups: dict[str, list[PostFigures]] = defaultdict(list)
        for figures in self.posts:
            groups[figures.post.platform].append(figures)
        return {name: _group_row(name, members) for name, members in sorted(groups.items())}

    def to_json(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign,
            "generated": self.generated.isoformat(),
            "metrics": METRICS,
            "view_meaning": VIEW_MEANING,
            "posts": [f.to_json() for f in self.posts],
            "platforms": self.platforms(),
            "rankings": self.rankings(),
        }

    def to_csv(self) -> str:
        columns = ["clip", "target", "platform", "account", "title", "hook", "url", "published",
                   "as_of", "gone", *METRICS, "engagement_rate", "share_rate_per_1000",
                   "views_first_24h"]
        out = io.StringIO()
        writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for figures in self.posts:
            row = figures.to_json()
            row.update(row.pop("metrics"))
            writer.writerow({k: ("" if row.get(k) is None else row[k]) for k in columns})
        return out.getvalue()

    def to_html(self) -> str:
        """A self-contained section: tables and inline SVG charts."""
        return render_html(self)


def _group_row(name: str, members: list[PostFigures]) -> dict[str, Any]:
    views = [f.latest["views"] for f in members if "views" in f.latest]
    pairs = [(f.latest["shares"], f.latest["views"]) for f in members
             if "shares" in f.latest and f.latest.get("views")]
    share_rate = (sum(s for s, _ in pairs) * 1000 / sum(v for _, v in pairs)) if pairs else None
    return {
        "name": name,
        "posts": len(members),
        "views": _clean(sum(views)) if views else None,
        "shares": _clean(sum(f.latest["shares"] for f in members if "shares" in f.latest))
        if any("shares" in f.latest for f in members) else None,
        "share_rate_per_1000": _round(share_rate),
    }


def _clean(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 3)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def build_report(
    ledger_path: Path, campaign: str, *, hooks: dict[str, str] | None = None,
    now: datetime | None = None,
) -> CampaignReport:
    """The report of ``campaign`` from the ledger at ``ledger_path``."""
    from vidcamp.errors import UsageError
    from vidcamp.ledger.clock import now as clock_now
    from vidcamp.ledger.store import Ledger
    from vidcamp.stats.store import published_posts, readings

    with Ledger.open(ledger_path, create=False) as ledger:
        posts = published_posts(ledger, campaign)
        if not posts:
            known = sorted({r["campaign"] for r in ledger.query("SELECT campaign FROM posts")})
            raise UsageError(
                f"report: no published posts of campaign {campaign!r} in {ledger_path}"
                f" (campaigns there: {', '.join(known) or 'none'})"
            )
        rows = readings(ledger, [p.id for p in posts])
    by_post: dict[int, list[Reading]] = defaultdict(list)
    for reading in rows:
        by_post[reading.post_id].append(reading)
    figures = [_figures(p, by_post.get(p.id, []), (hooks or {}).get(p.clip_id)) for p in posts]
    return CampaignReport(campaign, now or clock_now(), figures)


def _figures(post: StatPost, rows: list[Reading], hook: str | None) -> PostFigures:
    latest: dict[str, float] = {}
    as_of: datetime | None = None
    series: list[tuple[datetime, float]] = []
    views_24h: float | None = None
    for reading in rows:  # oldest first: later readings win
        latest[reading.metric] = reading.value
        as_of = reading.at
        if reading.metric == "views":
            series.append((reading.at, reading.value))
            if reading.at <= post.publish_at + FIRST_DAY:
                views_24h = reading.value
    return PostFigures(post, hook, latest, as_of, len({r.at for r in rows}), views_24h, series)


# -- HTML ---------------------------------------------------------------------------------------

_COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
            "#17becf", "#bcbd22", "#7f7f7f")
_CSS = """
.vc-stats{font:14px/1.4 system-ui,sans-serif;color:#222;margin:2em 0}
.vc-stats table{border-collapse:collapse;margin:.5em 0 1.5em}
.vc-stats th,.vc-stats td{border:1px solid #ccc;padding:.25em .5em;text-align:right}
.vc-stats th:first-child,.vc-stats td:first-child{text-align:left}
.vc-stats td.empty{color:#aaa}
.vc-stats svg{background:#fafafa;border:1px solid #ddd;margin:.5em 0}
.vc-stats .legend span{display:inline-block;margin-right:1em}
.vc-stats .legend i{display:inline-block;width:.8em;height:.8em;margin-right:.3em}
"""


def _fmt(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}" if not value.is_integer() else f"{int(value):,}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _cell(value: Any) -> str:
    text = _fmt(value)
    return '<td class="empty">–</td>' if text == "" else f"<td>{html.escape(text)}</td>"


def views_chart(report: CampaignReport, width: int = 720, height: int = 280) -> str:
    """Views over time, one line per variant (post), as an inline SVG."""
    lines = [(f, f.series) for f in report.posts if len(f.series) >= 1]
    if not lines:
        return "<p>No view figures yet.</p>"
    times = [t for _, s in lines for t, _ in s]
    top = max(v for _, s in lines for _, v in s) or 1.0
    t0, t1 = min(times), max(times)
    span = (t1 - t0).total_seconds() or 1.0
    pad = 40

    def xy(t: datetime, v: float) -> str:
        x = pad + (t - t0).total_seconds() / span * (width - 2 * pad)
        y = height - pad - v / top * (height - 2 * pad)
        return f"{x:.1f},{y:.1f}"

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="vc-views" width="{width}"'
             f' height="{height}" viewBox="0 0 {width} {height}" role="img"'
             f' aria-label="Views over time per variant">',
             f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}"'
             ' stroke="#888"/>',
             f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#888"/>',
             f'<text x="{pad}" y="{pad - 8}" font-size="11">{_fmt(top)} views</text>',
             f'<text x="{pad}" y="{height - 12}" font-size="11">{t0:%Y-%m-%d %H:%M}</text>',
             f'<text x="{width - pad}" y="{height - 12}" font-size="11" text-anchor="end">'
             f'{t1:%Y-%m-%d %H:%M} UTC</text>']
    legend = []
    for index, (figures, series) in enumerate(lines):
        colour = _COLOURS[index % len(_COLOURS)]
        label = html.escape(f"{figures.post.clip_id} · {figures.post.target}")
        points = " ".join(xy(t, v) for t, v in series)
        parts.append(f'<polyline class="vc-series" fill="none" stroke="{colour}"'
                     f' stroke-width="2" points="{points}"><title>{label}</title></polyline>')
        for t, v in series:
            x, y = xy(t, v).split(",")
            parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"/>')
        legend.append(f'<span><i style="background:{colour}"></i>{label}</span>')
    parts.append("</svg>")
    return "".join(parts) + f'<div class="legend">{"".join(legend)}</div>'


def platform_chart(report: CampaignReport, width: int = 720, bar: int = 26) -> str:
    """Views per platform as horizontal bars, share rate written beside each."""
    rows = [(name, row) for name, row in report.platforms().items() if row["views"] is not None]
    if not rows:
        return "<p>No view figures yet.</p>"
    top = max(row["views"] for _, row in rows) or 1
    label_w, height = 110, (bar + 10) * len(rows) + 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="vc-platforms" width="{width}"'
             f' height="{height}" viewBox="0 0 {width} {height}" role="img"'
             ' aria-label="Views per platform">']
    for index, (name, row) in enumerate(rows):
        y = 10 + index * (bar + 10)
        w = max(1.0, row["views"] / top * (width - label_w - 200))
        rate = row["share_rate_per_1000"]
        note = f"{_fmt(row['views'])} views" + (
            f", {rate:.1f} shares/1000" if rate is not None else ", shares: –")
        parts.append(f'<text x="4" y="{y + bar * 0.7:.0f}" font-size="12">'
                     f"{html.escape(name)}</text>")
        parts.append(f'<rect class="vc-bar" x="{label_w}" y="{y}" width="{w:.1f}"'
                     f' height="{bar}" fill="{_COLOURS[index % len(_COLOURS)]}"/>')
        parts.append(f'<text x="{label_w + w + 6:.0f}" y="{y + bar * 0.7:.0f}"'
                     f' font-size="12">{html.escape(note)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(report: CampaignReport) -> str:
    """The stats section (a ``<section>`` with its own style) for a page."""
    data = report.to_json()
    head = ["clip", "target", "platform", *METRICS, "engagement", "shares/1000",
            "views 24 h", "as of"]
    rows = []
    for post in data["posts"]:
        metrics = post["metrics"]
        name = html.escape(post["clip"])
        if post["url"]:
            name = f'<a href="{html.escape(post["url"])}">{name}</a>'
        gone = f" ({post['gone']})" if post["gone"] else ""
        rows.append(
            f"<tr><td>{name}{html.escape(gone)}</td><td>{html.escape(post['target'])}</td>"
            f"<td>{html.escape(post['platform'])}</td>"
            + "".join(_cell(metrics[m]) for m in METRICS)
            + _cell(post["engagement_rate"]) + _cell(post["share_rate_per_1000"])
            + _cell(post["views_first_24h"]) + _cell((post["as_of"] or "")[:16])
            + "</tr>"
        )
    ranking_html = []
    for kind, ranked in data["rankings"].items():
        if not ranked:
            continue
        body = "".join(
            f"<tr><td>{r['rank']}. {html.escape(str(r['name']))}</td>{_cell(r['views'])}"
            f"{_cell(r['shares'])}{_cell(r['share_rate_per_1000'])}{_cell(r['posts'])}</tr>"
            for r in ranked
        )
        ranking_html.append(
            f"<h3>{kind.title()}</h3><table class='vc-rank-{kind}'><tr><th>{kind[:-1]}</th>"
            f"<th>views</th><th>shares</th><th>shares/1000</th><th>posts</th></tr>{body}</table>"
        )
    meanings = "".join(f"<li><b>{html.escape(p)}</b>: {html.escape(m)}</li>"
                       for p, m in VIEW_MEANING.items())
    return (
        f'<section class="vc-stats" id="vidcamp-stats"><style>{_CSS}</style>'
        f"<h2>Stats: {html.escape(report.campaign)}</h2>"
        f"<p>Generated {report.generated:%Y-%m-%d %H:%M} UTC. Empty cells: the platform does"
        " not give that figure (or has not yet).</p>"
        f"<h3>Views over time per variant</h3>{views_chart(report)}"
        f"<h3>Platform comparison</h3>{platform_chart(report)}"
        f"<h3>Latest figures</h3><table class='vc-posts'><tr>"
        + "".join(f"<th>{html.escape(h)}</th>" for h in head)
        + "</tr>" + "".join(rows) + "</table>"
        + "".join(ranking_html)
        + f"<h3>What a view is</h3><ul>{meanings}</ul></section>"
    )


START, END = "<!-- vidcamp-stats -->", "<!-- /vidcamp-stats -->"


def write_html(report: CampaignReport, page_dir: Path) -> Path:
    """Put the stats section into ``page_dir/index.html`` when the preview page is there
    (replacing an earlier one), else write ``page_dir/stats.html``; the page written."""
    section = f"{START}{render_html(report)}{END}"
    index = page_dir / "index.html"
    if index.is_file():
        text = index.read_text(encoding="utf-8")
        if START in text and END in text:
            before, _, rest = text.partition(START)
            _, _, after = rest.partition(END)
            text = before + section + after
        elif "</body>" in text:
            before, _, after = text.rpartition("</body>")
            text = before + section + "</body>" + after
        else:
            text += section
        write_atomic(index, text)
        return index
    page = page_dir / "stats.html"
    write_atomic(page, "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
                       f"<title>{html.escape(report.campaign)} stats</title></head><body>"
                       f"{section}</body></html>\n")
    return page
