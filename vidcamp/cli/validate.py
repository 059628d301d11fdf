"""`vidcamp validate`: the spec, its media, and a platform lint of every clip x target."""

from __future__ import annotations

from pathlib import Path

import click

from vidcamp.cli._common import campaign_argument, emit_json, load_and_check, print_warnings


@click.command()
@campaign_argument
@click.option("--no-probe", is_flag=True, help="Check the spec only; do not open media files.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when the campaign is valid.")
def command(campaign_file: Path, no_probe: bool, as_json: bool, quiet: bool) -> None:
    """Check CAMPAIGN.yaml without rendering or writing anything.

    \b
    Checks, in one pass, and reports every problem as FILE:LINE:COL FIELD: WHY
      - the YAML and every field's type, unknown keys (with a did-you-mean)
      - clip ids unique, sources exist and are readable video (footage with
        a `generate:` recipe that is not made yet: a warning; build makes it)
      - cuts end after they start and inside the footage; captions parse
      - every clip x target against the platform preset: too long or too
        short, a crop that cuts away most of the frame, missing audio
    Exits 0 when valid (warnings allowed), 3 when the spec is invalid.
    """
    report = load_and_check(campaign_file, probe_media=not no_probe, make_missing=False)
    spec = report.campaign.spec
    if as_json:
        emit_json(
            {
                "valid": True,
                "campaign": spec.name,
                "clips": len(spec.clips),
                "targets": list(spec.targets),
                "warnings": [str(w) for w in report.warnings],
            }
        )
        return
    print_warnings(report)
    if not quiet:
        variants = sum(len(c.targets or spec.targets) for c in spec.clips)
        click.echo(
            f"{campaign_file}: valid — campaign {spec.name}, {len(spec.clips)} clips, "
            f"{len(spec.targets)} targets, {variants} variants, {len(report.warnings)} warnings"
        )
