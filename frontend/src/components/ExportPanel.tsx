// Take your writing home: every thread as a text file (a job), or all your data as JSON.
import { useState } from "react";
import { api } from "../api";
import { useAction } from "../hooks/useAction";
import type { Job, Started } from "../types";
import ErrorMessage from "./ErrorMessage";
import JobProgress from "./JobProgress";

export default function ExportPanel() {
  const [taskId, setTaskId] = useState<string | null>(null);
  const [download, setDownload] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  const start = async () => {
    await run(async () => {
      const started = await api.post<Started>("/api/export/threads");
      setDownload(null);
      setTaskId(started.task_id);
    });
  };

  const completed = (job: Job) => {
    const url = job.result?.download_url;
    if (typeof url === "string") setDownload(url);
  };

  return (
    <section className="card panel" aria-label="Export">
      <h2>Export</h2>
      <div className="row">
        <button type="button" onClick={start} disabled={busy}>
          Export threads
        </button>
        <a className="button secondary" href="/api/export" download>
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
