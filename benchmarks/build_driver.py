"""``vidcamp build`` through the library, for as long as the ``build`` command is not wired.

It makes the calls the command makes: load -> check -> plan -> render_all. Run as
``python -m benchmarks.build_driver CAMPAIGN.yaml`` in a fresh process, like the CLI.
"""

from __future__ import annotations

import sys
from pathlib import Path


def build(campaign_file: Path) -> int:
    """Render every clip of the campaign; returns how many variants were rendered."""
    from vidcamp.plan import plan_renders, render_environment
    from vidcamp.render import render_all
    from vidcamp.spec.checks import check_campaign
    from vidcamp.spec.loader import load_campaign

    report = check_campaign(load_campaign(campaign_file))
    jobs = plan_renders(report.campaign, render_environment())
    results = render_all(jobs)
    return sum(len(r.rendered) for r in results)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit("usage: python -m benchmarks.build_driver CAMPAIGN.yaml")
    rendered = build(Path(args[0]))
    print(f"rendered {rendered} variants")


if __name__ == "__main__":
    main()
