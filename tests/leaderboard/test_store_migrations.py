"""Alembic migrations of the leaderboard store, on SQLite and PostgreSQL: the models and the migrations describe the
same schema, and a store from the first release (no alembic_version) is upgraded with its rows intact."""

import pytest
from sqlalchemy import create_engine, inspect, text

from nearcoder.leaderboard.publish import publish
from nearcoder.leaderboard.store.migrate import alembic_config, current_revision, head_revision
from nearcoder.leaderboard.synthetic import write_output_dir


@pytest.fixture
def db_url(any_db_url):
    return any_db_url


def test_models_and_migrations_describe_the_same_schema(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from nearcoder.leaderboard.store.engine import get_engine
    from nearcoder.leaderboard.store.models import Base

    with get_engine(db_url).connect() as conn:
        assert current_revision(conn) == head_revision()
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"store/models.py changed without a migration: {diff}"


def _first_release_store(db_url: str) -> None:
    """The schema exactly as version 0.1 created it (revision 0001, no alembic_version table), with data."""
    from alembic import command

    engine = create_engine(db_url)
    with engine.begin() as conn:
        config = alembic_config(conn)
        command.upgrade(config, "0001")
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(text("INSERT INTO models (id, name, model_type, contamination, parameters, created_at) "
                          "VALUES (1, 'old-model', 'base', 'clean', 1000, '2026-11-25 00:00:00+00')"))
        conn.execute(text("INSERT INTO runs (id, model_id, content_hash, source, partial, config, task_versions, "
                          "task_hashes, n_samples, published_at) VALUES (1, 1, 'abc', 'old/results.json', false, "
                          "'{}', '{}', '{}', '{}', '2026-11-25 00:00:00+00')"))
        conn.execute(text("INSERT INTO scores (run_id, task, metric, filter, value) "
                          "VALUES (1, 'near_questions', 'rouge1', 'none', 0.25)"))
        conn.execute(text("INSERT INTO samples (run_id, task, doc_id, prompt, generation, target, metrics) "
                          "VALUES (1, 'near_questions', 0, 'q', 'a', 't', '{\"rouge1\": 0.25}')"))
    engine.dispose()


def test_a_first_release_store_is_upgraded_and_keeps_its_rows(db_url, tmp_path):
    from nearcoder.leaderboard.store.engine import get_engine

    _first_release_store(db_url)
    engine = get_engine(db_url)  # opening the store migrates it
    with engine.connect() as conn:
        assert current_revision(conn) == head_revision()
        assert conn.execute(text("SELECT name, parameters FROM models")).all() == [("old-model", 1000)]
        assert conn.execute(text("SELECT provenance FROM runs")).scalar_one() == "self-reported"
        assert conn.execute(text("SELECT value FROM scores")).scalar_one() == 0.25
        assert conn.execute(text("SELECT count(*) FROM samples")).scalar_one() == 1
    assert "eval_requests" in inspect(engine).get_table_names()
    # the upgraded store takes new results, including a parameter count beyond 32 bits
    write_output_dir(tmp_path / "out", "org/new", {"near_questions": {"rouge1": [0.5, 0.7]}}, parameters=3_000_000_000)
    assert len(publish(db_url, [tmp_path / "out"]).added) == 1
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, parameters FROM models ORDER BY id")).all()
        assert rows == [("old-model", 1000), ("org/new", 3_000_000_000)], rows
        assert conn.execute(text("SELECT count(*) FROM runs")).scalar_one() == 2
