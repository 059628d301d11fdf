"""The ledger file itself: schema, migrations, WAL, append-only history, refusing bad files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from vidcamp.errors import EXIT_LEDGER, LedgerError, PublishError
from vidcamp.ledger import Ledger, queue_posts
from vidcamp.ledger.store import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

from .conftest import T0, make_post, run_cli


def test_new_ledger_records_its_migrations_and_uses_wal(ledger_file: Path) -> None:
    with Ledger.open(ledger_file):
        pass
    conn = sqlite3.connect(ledger_file)
    names = [r[0] for r in conn.execute("SELECT name FROM migrations ORDER BY id")]
    assert names == [name for name, _ in MIGRATIONS]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    leftovers = [p.name for p in ledger_file.parent.iterdir() if p.name.endswith(".new")]
    assert leftovers == []
    assert ledger_file.stat().st_mode & 0o777 == 0o600


def test_events_table_is_append_only(ledger_file: Path) -> None:
    queue_posts([make_post()], ledger_path=ledger_file, now=T0)
    conn = sqlite3.connect(ledger_file)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE events SET detail = 'rewritten'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM events")
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 1


def _assert_refused(path: Path, match: str) -> None:
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(LedgerError, match=match) as info:
        Ledger.open(path)
    assert str(path) in info.value.message
    assert "\n" not in info.value.message
    assert info.value.exit_code == EXIT_LEDGER
    assert not isinstance(info.value, PublishError)
    if before is not None:
        assert path.read_bytes() == before, "a refused ledger must be left exactly as it was"


def test_garbage_bytes_are_refused_not_recreated(ledger_file: Path) -> None:
    ledger_file.write_bytes(b"this is not a database at all\x00\xff" * 200)
    _assert_refused(ledger_file, "not a database")


def test_a_ledger_with_a_damaged_header_is_refused(ledger_file: Path) -> None:
    queue_posts([make_post()], ledger_path=ledger_file, now=T0)
    data = bytearray(ledger_file.read_bytes())
    data[0:16] = b"\x00" * 16  # the "SQLite format 3" magic
    ledger_file.write_bytes(bytes(data))
    _assert_refused(ledger_file, "cannot")


def test_a_foreign_sqlite_file_is_refused(ledger_file: Path) -> None:
    conn = sqlite3.connect(ledger_file)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    _assert_refused(ledger_file, "not a vidcamp ledger")


def test_an_empty_file_is_refused(ledger_file: Path) -> None:
    ledger_file.write_bytes(b"")
    _assert_refused(ledger_file, "empty")


def test_a_directory_is_refused(ledger_file: Path) -> None:
    ledger_file.mkdir()
    _assert_refused(ledger_file, "directory")


def test_a_newer_schema_is_refused(ledger_file: Path) -> None:
    queue_posts([make_post()], ledger_path=ledger_file, now=T0)
    conn = sqlite3.connect(ledger_file)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    _assert_refused(ledger_file, "newer vidcamp")


def test_unknown_recorded_migration_is_refused(ledger_file: Path) -> None:
    queue_posts([make_post()], ledger_path=ledger_file, now=T0)
    conn = sqlite3.connect(ledger_file)
    conn.execute("UPDATE migrations SET name = 'someone_elses' WHERE id = 1")
    conn.commit()
    conn.close()
    _assert_refused(ledger_file, "migrations")


@pytest.mark.parametrize("command", [["publish", "--due"], ["status"], ["retry", "1"]])
def test_cli_on_a_corrupt_ledger_prints_one_line_and_exits_7(
    ledger_file: Path, command: list[str]
) -> None:
    junk = b"\x13\x37garbage" * 512
    ledger_file.write_bytes(junk)
    done = run_cli(*command)
    assert done.returncode == EXIT_LEDGER == 7, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert str(ledger_file) in lines[0]
    assert "Traceback" not in done.stderr
    assert ledger_file.read_bytes() == junk


def test_publish_with_no_ledger_yet_is_quiet_and_creates_nothing(ledger_file: Path) -> None:
    done = run_cli("publish", "--due", "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
    assert not ledger_file.exists()
