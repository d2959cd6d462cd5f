"""AI profile: a model reads the user's newest threads (within a token budget) and writes a profile."""

from importlib import resources
from string import Template
from typing import Any

from flask import current_app

from ..errors import JobFailed
from ..exports.budget import select_threads
from ..extensions import db
from ..jobs import JobRun, job_kind
from ..jobs.live import TextStream
from ..models import User, UserProfile
from ..providers import llm
from ..queues import Queue


def profile_prompt(username: str, texts: list[str]) -> str:
    template = resources.files("wop").joinpath("prompts/profile.txt").read_text(encoding="utf-8")
    return Template(template).substitute(
        username=username, threads_included=len(texts), writing="\n".join(texts).rstrip()
    )


@job_kind("profile", queue=Queue.LLM)
def profile(run: JobRun) -> None:
    model_id = run.params["model"]
    # The budget was read from the settings when the request came in.
    budget = int(run.params.get("max_tokens") or current_app.config["PROFILE_MAX_TOKENS"])
    run.progress(2, "Reading your threads")
    reading = select_threads(
        run.user_id, budget, on_thread=lambda n, total: run.progress(2 + 28 * n / total, "Reading your threads")
    )
    if not reading.texts and reading.threads_total:
        raise JobFailed(
            f"Your newest thread alone is longer than the profile's budget of {budget} tokens, "
            "so there is nothing the profile could read whole."
        )
    if not reading.texts:
        raise JobFailed("There is no writing to read yet: start a thread first.")
    username = db.session.get_one(User, run.user_id).username
    run.progress(30, f"Asking {model_id} to write your profile")
    text = TextStream(run)  # the profile reaches the page as it is written
    with run.abortable():
        answer = llm.complete(
            [llm.ChatMessage("user", profile_prompt(username, reading.texts))],
            model_id,
            current_app.config,
            on_text=text,
        )
    text.flush()
    run.progress(95, "Saving your profile")

    def apply() -> dict[str, Any]:
        row = UserProfile(
            user_id=run.user_id,
            content=answer.text,
            generated_by=model_id,
            tokens_used=answer.total_tokens,
            source_job_id=run.job_id,
        )
        db.session.add(row)
        db.session.flush()
        return {
            "profile_id": row.id,
            "model": model_id,
            "tokens_used": answer.total_tokens,
            "threads_included": reading.threads_included,
            "included_tokens": reading.included_tokens,
            "max_tokens": budget,
        }

    run.complete(apply)
