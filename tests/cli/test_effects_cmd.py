"""`vidcamp effects` lists every built-in effect with its parameters, cheaply."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tests.cli.test_startup import HEAVY, imported_modules
from vidcamp.cli import cli
from vidcamp.spec.effects import BUILTIN


def test_effects_json_lists_every_effect_and_parameter() -> None:
    result = CliRunner().invoke(cli, ["effects", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.output)}
    assert list(rows) == [*BUILTIN, "python"]
    zoom = {p["name"]: p for p in rows["zoom"]["params"]}
    assert zoom["factor"]["default"] == 1.3 and zoom["factor"]["min"] == 1.01
    assert {"from", "to", "at", "duration", "on"} <= set(zoom)
    assert {p["name"] for p in rows["python"]["params"]} == {"python", "args", "from", "to"}
    assert rows["progress_bar"]["params"][0]["choices"] == ["top", "bottom"]


def test_effects_table_and_no_heavy_imports() -> None:
    table = CliRunner().invoke(cli, ["effects"], terminal_width=200)
    assert table.exit_code == 0
    for name in (*BUILTIN, "python", "factor", "thickness", "emoji"):
        assert name in table.output
    modules = imported_modules("effects")
    assert sorted(m for m in modules if m.split(".")[0] in HEAVY) == []
