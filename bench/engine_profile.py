"""Where a worker's CPU goes in one AI reply: the task body of N jobs run in this process
(claim, thread read, provider call to the fake provider, reply, live events), under cProfile.
A benchmark, not a test.

    .venv/bin/python bench/engine_profile.py [--jobs 200] [--db sqlite|postgres] [--top 30]

The jobs are submitted first through the app (`POST /api/nodes/<id>/llm`, the broker's send
recorded, not sent); only running them is measured: N jobs timed (wall, and CPU of the thread
running them), then N more under the profiler. Prints the top entries by cumulative time, then
the ms per job.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_ai import FakeAI  # noqa: E402
from tests.services import PostgresServer, RedisServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--save", help="write the profile to this file (for pstats or snakeviz)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="wop-engine-profile-") as tmp:
        folder = Path(tmp)
        redis_server = RedisServer(folder / "redis").start()
        postgres = PostgresServer().start() if args.db == "postgres" else None
        fake = FakeAI().start()
        try:
            os.environ.update(
                DATA_DIR=str(folder / "data"),
                DATABASE_URL=postgres.url if postgres else f"sqlite:///{folder / 'wop.sqlite3'}",
                REDIS_URL=redis_server.url,
                SECRET_KEY="bench-secret-key",
                OPENAI_API_KEY="test-key",
                OPENAI_BASE_URL=fake.openai_base_url,
                ANTHROPIC_API_KEY="test-key",
                ANTHROPIC_BASE_URL=fake.anthropic_base_url,
                DEFAULT_LLM_MODEL="",
                EXTRA_MODELS="test-gpt=openai:gpt-test:Test GPT",
                MODELS_FILE=str(ROOT / "tests" / "models.toml"),
                PROVIDER_MAX_RETRIES="1",
            )
            run(args.jobs, args.top, args.save)
        finally:
            fake.stop()
            if postgres:
                postgres.stop()
            redis_server.stop()


def run(jobs: int, top: int, save: str | None = None) -> None:
    from flask_migrate import upgrade

    from wop import create_app
    from wop.jobs.runner import run_job
    from wop.tasks.llm_reply import llm_reply

    app = create_app({"TESTING": True})
    with app.app_context():
        upgrade()
    sent: list[str] = []
    app.extensions["celery"].send_task = lambda name, args=None, **_kw: sent.append(args[0])

    client = app.test_client()
    resp = client.post("/auth/signup", json={"username": "bench", "password": "correct horse battery"})
    csrf = resp.get_json()["csrf_token"]
    headers = {"X-CSRF-Token": csrf}
    for i in range(2 * jobs + 1):  # one more, to warm the SDK, the model's account and the caches
        entry = client.post("/api/nodes/", json={"content": f"Entry {i}: what now?"}, headers=headers).get_json()
        resp = client.post(f"/api/nodes/{entry['id']}/llm", json={"model": "test-gpt"}, headers=headers)
        assert resp.status_code == 202, resp.get_json()

    with app.app_context():
        run_job(sent[0], llm_reply)
        # Timed without the profiler; CPU of this thread only (the fake provider and the job
        # watcher run on threads of their own).
        wall, cpu = time.perf_counter(), time.thread_time()
        for job_id in sent[1 : jobs + 1]:
            run_job(job_id, llm_reply)
        wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
        profile = cProfile.Profile()
        profile.enable()
        for job_id in sent[jobs + 1 :]:
            run_job(job_id, llm_reply)
        profile.disable()
    if save:
        profile.dump_stats(save)

    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(top)
    print(out.getvalue())
    print(f"{jobs} jobs: {wall / jobs * 1000:.2f} ms wall, {cpu / jobs * 1000:.2f} ms CPU per job (not profiled)")
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
