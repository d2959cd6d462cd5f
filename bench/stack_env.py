"""The environment the benchmarks run the app with: its data in `folder`, the private Redis, the
fake AI provider's OpenAI-compatible API, SQLite in `folder` unless a database is given, and one
model, `bench`, served by the fake."""

import os
from pathlib import Path


def stack_env(
    folder: Path, redis_url: str, openai_base_url: str, database_url: str | None = None, **extra: str
) -> dict:
    return dict(
        os.environ,
        DATA_DIR=str(folder / "data"),
        REDIS_URL=redis_url,
        SECRET_KEY="bench",
        DATABASE_URL=database_url or f"sqlite:///{folder / 'bench.sqlite3'}",
        OPENAI_API_KEY="test-key",
        OPENAI_BASE_URL=openai_base_url,
        EXTRA_MODELS="bench=openai:bench-model:Bench",
        **extra,
    )
