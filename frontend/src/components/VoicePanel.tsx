// A voice entry: the recording, and the transcription job until the transcript is in.
import { useEffect, useState } from "react";
import { api } from "../api";
import type { Job, NodeDetail } from "../types";
import JobProgress from "./JobProgress";

interface Props {
  node: NodeDetail;
  onTranscribed: () => void;
}

export default function VoicePanel({ node, onTranscribed }: Props) {
  const [job, setJob] = useState<Job | null>(null);
  const statusUrl = () => `/api/nodes/${node.id}/transcription-status`;

  useEffect(() => {
    let live = true;
    api.get<Job>(`/api/nodes/${node.id}/transcription-status`).then(
      (data) => live && setJob(data),
      () => undefined, // no transcription job (e.g. someone else's recording)
    );
    return () => {
      live = false;
    };
  }, [node.id]);

  return (
    <section className="voice card" aria-label="Recording">
      <audio className="player" controls preload="metadata" src={node.audio_original_url ?? undefined} aria-label="Original recording" />
      {job && job.status !== "completed" && (
        <JobProgress key={job.task_id} taskId={job.task_id} label="Transcription" statusUrl={statusUrl} onCompleted={onTranscribed} />
      )}
    </section>
  );
}
