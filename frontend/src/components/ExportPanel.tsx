// Take your writing home: every thread as a text file (a job), or all your data as JSON.
import { useState } from "react";
import { ALL_DATA_URL, exportThreads } from "../api/exports";
import { useAction } from "../hooks/useAction";
import type { Job } from "../types";
import ErrorMessage from "./ErrorMessage";
import JobProgress from "./JobProgress";

export default function ExportPanel() {
  const [taskId, setTaskId] = useState<string | null>(null);
  const [download, setDownload] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  const start = async () => {
    await run(async () => {
      const started = await exportThreads();
      setDownload(null);
      setTaskId(started.task_id);
    });
  };

  const completed = (job: Job) => {
    if (job.kind === "export_threads" && job.result) setDownload(job.result.download_url);
  };

  return (
    <section className="card panel" aria-label="Export">
      <h2>Export</h2>
      <div className="row">
        <button type="button" onClick={start} disabled={busy}>
          Export threads
        </button>
        <a className="button secondary" href={ALL_DATA_URL} download>
          Download all my data (JSON)
        </a>
      </div>
      <p className="muted">Threads come as one text file, kept for a day. The JSON holds everything: entries, versions, profiles and jobs.</p>
      <ErrorMessage message={error} />
      {taskId && (
        <JobProgress key={taskId} taskId={taskId} label="Thread export" onCompleted={completed}>
          {download && (
            <p className="job-done">
              <a href={download} download>
                Download the thread export
              </a>
            </p>
          )}
        </JobProgress>
      )}
    </section>
  );
}
