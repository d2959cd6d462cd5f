// Record a voice entry a few seconds at a time (src/recording): nothing recorded is lost to a
// closed tab or a dropped network, and the transcript grows while one speaks. A recording left
// unfinished is offered here again, to finish, continue or discard. An audio file is sent the
// same way, in slices, so a large one resumes after a failure.
import { getNode } from "../api/nodes";
import { formatDate } from "../format";
import { useChunkedRecorder } from "../recording/useChunkedRecorder";
import type { Job, NodeDetail, Privacy } from "../types";
import ErrorMessage from "./ErrorMessage";
import JobProgress from "./JobProgress";
import LevelMeter from "./LevelMeter";

interface Props {
  parentId?: number;
  privacy?: Privacy;
  aiExcluded?: boolean;
  onUploaded: (node: NodeDetail) => void;
}

function clock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

export default function VoiceRecorder({ parentId, privacy, aiExcluded = false, onUploaded }: Props) {
  const rec = useChunkedRecorder({ parentId, privacy, aiExcluded });

  const saved = async (job: Job) => {
    const nodeId = (job.result as { node_id?: number } | null)?.node_id;
    await rec.done();
    if (nodeId) onUploaded({ ...(await getNode(nodeId)), task_id: job.task_id } as NodeDetail);
  };

  return (
    <div className="recorder">
      {rec.state === "idle" && (
        <button type="button" className="secondary" onClick={rec.start} title="Dictate an entry; it is transcribed for you">
          ● Record
        </button>
      )}
      {rec.state === "idle" && (
        <label className="button secondary" title="Send a recording made elsewhere; it is transcribed for you">
          Upload an audio file
          <input
            type="file"
            accept="audio/*,.m4a,.mp3,.wav,.ogg,.opus,.webm,.flac,.aac"
            className="visually-hidden"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = "";
              if (file) void rec.uploadFile(file);
            }}
          />
        </label>
      )}
      {rec.state === "recording" && (
        <button type="button" className="danger" onClick={rec.stop}>
          ■ Stop {clock(rec.seconds)}
        </button>
      )}
      {rec.state === "recording" && <LevelMeter stream={rec.stream} />}
      {(rec.state === "recording" || rec.state === "finishing") && rec.waiting > 0 && (
        <span className="muted" role="status">
          {rec.waiting} {rec.waiting === 1 ? "part" : "parts"} waiting to upload
          {rec.uploadError ? " (kept here; sending again shortly)" : ""}
        </span>
      )}
      {rec.state === "finishing" && rec.waiting === 0 && <span className="muted">Finishing the recording…</span>}
      {rec.state === "following" && rec.taskId && (
        <JobProgress key={rec.taskId} taskId={rec.taskId} label="Saving the recording" onCompleted={saved} />
      )}
      {(rec.state === "recording" || rec.state === "finishing") && rec.transcript && (
        <p className="recorder-transcript muted" aria-label="Transcript so far">
          {rec.transcript}
        </p>
      )}
      {rec.state === "idle" &&
        rec.unfinished.map((u) => (
          <p key={u.id} className="notice recorder-unfinished" role="status">
            An unfinished recording from {formatDate(u.createdAt)}.{" "}
            <button type="button" onClick={() => rec.finish(u.id)}>
              Finish it
            </button>{" "}
            <button type="button" className="secondary" onClick={() => rec.continueRecording(u.id)}>
              Continue recording
            </button>{" "}
            <button type="button" className="link-button" onClick={() => rec.discard(u.id)}>
              Discard it
            </button>
          </p>
        ))}
      <ErrorMessage message={rec.error} />
    </div>
  );
}
