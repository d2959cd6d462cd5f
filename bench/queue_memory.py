"""Redis memory per queued job: send N job messages to a queue no worker reads, as the engine
sends them (wop/jobs/enqueue.py), and divide Redis's used_memory growth by N.

    .venv/bin/python bench/queue_memory.py            # --jobs N
"""

import argparse
import os
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.services import RedisServer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wop-queue-memory-") as folder:
        redis = RedisServer(Path(folder) / "redis").start()
        try:
            os.environ.update(DATA_DIR=f"{folder}/data", REDIS_URL=redis.url, SECRET_KEY="bench")
            from wop import create_app
            from wop.jobs.registry import KINDS

            app = create_app()
            celery = app.extensions["celery"]
            client = celery.connection_for_write().channel().client
            before = client.info("memory")["used_memory"]
            for _ in range(args.jobs):
                job_id = str(uuid.uuid4())
                celery.send_task(KINDS["llm_reply"].task_name, args=[job_id], task_id=job_id, queue="llm")
            after = client.info("memory")["used_memory"]
            grown = after - before
            print(f"{args.jobs} queued jobs: {grown / 2**20:.1f} MiB, {grown / args.jobs:.0f} B each")
        finally:
            redis.stop()


if __name__ == "__main__":
    main()
