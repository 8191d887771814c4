"""The leaderboard store: SQLAlchemy models and engine set-up (SQLite with WAL by default, any URL works)."""
