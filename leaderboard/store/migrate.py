"""Bring a store's schema up to date with Alembic when it is opened, without losing results.

A store created before migrations existed (tables, no ``alembic_version``) is stamped at the first revision
and upgraded from there. Concurrent openers are serialised: SQLite by ``BEGIN IMMEDIATE`` (the caller's write
transaction), PostgreSQL by a transaction-scoped advisory lock.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, inspect, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST_REVISION = "0001"
_PG_LOCK_KEY = 7_320_611  # any constant: "the nearcoder store is being migrated"


def alembic_config(connection: Connection | None = None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection) -> None:
    """Upgrade the store on ``connection`` (inside the caller's transaction) to the newest revision."""
    from alembic import command

    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    if current_revision(connection) == head_revision():
        return
    config = alembic_config(connection)
    tables = set(inspect(connection).get_table_names())
    if "alembic_version" not in tables and "models" in tables:
        command.stamp(config, FIRST_REVISION)  # a store from before migrations: its tables are revision 0001
    command.upgrade(config, "head")
