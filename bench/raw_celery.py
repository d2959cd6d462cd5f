"""The baselines of bench/engine_bench.py: a bare Celery app on the same Redis. `raw.noop` does
nothing but say it ran (an RPUSH the sender waits on); `raw.provider_call` first makes the
streamed chat completion an AI reply makes, through the same SDK, to the fake provider. No
database, no job row, no live events."""

import functools
import os
from typing import TYPE_CHECKING

import redis
from celery import Celery

if TYPE_CHECKING:
    import openai

app = Celery("raw", broker=os.environ["REDIS_URL"])
app.conf.update(
    task_ignore_result=True,
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    task_default_queue="raw",
    worker_hijack_root_logger=False,
)
_redis = redis.Redis.from_url(os.environ["REDIS_URL"])


@app.task(name="raw.noop")
def noop(reply_key: str) -> None:
    _redis.rpush(reply_key, "done")


@app.task(name="raw.provider_call")
def provider_call(reply_key: str, base_url: str) -> None:
    client = _openai_client(base_url)
    messages = [{"role": "system", "content": "bench"}, {"role": "user", "content": "bench: entry"}]
    stream = client.chat.completions.create(
        model="bench-model", messages=messages, stream=True, stream_options={"include_usage": True}
    )
    with stream:
        text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    _redis.rpush(reply_key, text)


@functools.cache
def _openai_client(base_url: str) -> "openai.OpenAI":
    import openai  # in the task's process, as the engine does

    return openai.OpenAI(api_key="test-key", base_url=base_url, max_retries=0)
