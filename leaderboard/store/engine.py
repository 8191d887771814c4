"""Engines and sessions. Opening a store migrates it (Alembic, :mod:`.migrate`). SQLite gets WAL, a busy timeout and ``BEGIN IMMEDIATE`` so concurrent publishers
queue for the write lock instead of failing; other databases (PostgreSQL) are used as they come."""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from nearcoder.leaderboard.store.migrate import upgrade

SQLITE_BUSY_TIMEOUT_S = 60


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(url, pool_pre_ping=True)
        with engine.begin() as conn:
            upgrade(conn)
        return engine
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # let SQLAlchemy's begin event below issue BEGIN
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")

    with engine.connect() as conn:
        # Migrations may recreate a table (SQLite's ALTER is limited); with foreign keys on, dropping the old
        # table would cascade-delete the rows that point at it. The pragma only takes effect outside a
        # transaction, so it is set on the driver connection before SQLAlchemy begins one.
        driver = conn.connection.driver_connection
        driver.execute("PRAGMA foreign_keys=OFF")
        conn.info["write"] = True
        upgrade(conn)
        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            conn.rollback()
            raise RuntimeError(f"{url}: migrating the store would break {len(broken)} foreign key(s); nothing changed")
        conn.commit()
        conn.info["write"] = False
        driver.execute("PRAGMA foreign_keys=ON")
    return engine



@lru_cache(maxsize=16)
def get_engine(url: str) -> Engine:
    """One engine per URL per process; the schema is migrated to the newest revision on first use."""
    return _make_engine(url)


@contextmanager
def write_session(url: str) -> Iterator[Session]:
    """A session whose transaction holds the write lock from its start (SQLite) and commits on success."""
    engine = get_engine(url)
    with engine.connect() as conn:
        conn.info["write"] = True
        try:
            with Session(bind=conn, expire_on_commit=False) as session:
                yield session
                session.commit()
        finally:
            conn.info["write"] = False


def read_session(url: str) -> Session:
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)()
