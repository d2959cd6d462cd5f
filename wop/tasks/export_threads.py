"""Thread export: every thread the user started, as one readable text file to download."""

import shutil
import uuid

from ..exports.files import export_file
from ..exports.threads import file_header, thread_root_ids, thread_texts
from ..extensions import db
from ..jobs import JobRun, job_kind
from ..models import User
from ..models.base import utcnow
from ..queues import Queue
from ..storage import exports, scratch_dir


def download_url(job_id: str) -> str:
    return f"/api/export/download/{job_id}"


@job_kind("export_threads", queue=Queue.EXPORT)
def export_threads(run: JobRun) -> None:
    user = db.session.get_one(User, run.user_id)
    # One name per attempt: a stale attempt never writes over (or deletes) a newer one's file.
    name = f"{run.job_id}-{uuid.uuid4().hex[:8]}.txt"
    rel = export_file(run.user_id, name)
    folder = scratch_dir("export-")
    partial = folder / name
    thread_count = len(thread_root_ids(run.user_id))
    run.progress(1, f"Writing {thread_count} threads")
    try:
        with open(partial, "w", encoding="utf-8") as out:
            out.write(file_header(user.username, thread_count, utcnow()))
            for number, how_many, text in thread_texts(run.user_id):
                out.write(text + "\n")
                run.progress(98 * number / how_many, f"Writing {thread_count} threads")
        size = partial.stat().st_size
        exports().put_file(partial, rel)  # the file appears whole or not at all
        run.complete(
            result={"download_url": download_url(run.job_id), "file": name, "threads": thread_count, "bytes": size}
        )
    except BaseException:
        exports().delete(rel)
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)
