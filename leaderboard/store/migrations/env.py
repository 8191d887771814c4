"""Alembic environment of the leaderboard store. Run by :func:`nearcoder.leaderboard.store.migrate.upgrade` on
the engine's own connection (every store is upgraded when it is first opened), or by hand:
``alembic -c leaderboard/store/alembic.ini -x url=postgresql+psycopg2://… upgrade head``."""

from alembic import context
from sqlalchemy import create_engine

from nearcoder.leaderboard.store.models import Base

config = context.config
connection = config.attributes.get("connection")


def _run(conn) -> None:
    context.configure(connection=conn, target_metadata=Base.metadata,
                      render_as_batch=conn.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    with create_engine(url).connect() as conn:
        _run(conn)
        conn.commit()
