// A voice entry: the recording, and the transcription job until the transcript is in.
import { latestTranscriptionJob } from "../api/jobs";
import { useFollowedJob } from "../hooks/useFollowedJob";
import type { NodeDetail } from "../types";
import JobProgress from "./JobProgress";

interface Props {
  node: NodeDetail;
  onTranscribed: () => void;
}

/** A transcription that is not done yet, failed, or was cancelled leaves the placeholder text. */
const UNFINISHED = ["pending", "processing", "failed", "cancelled"] as const;

export default function VoicePanel({ node, onTranscribed }: Props) {
  // None for someone else's recording: the job is its writer's.
  const [taskId] = useFollowedJob(() => latestTranscriptionJob(node.id), node.id, UNFINISHED);

  return (
    <section className="voice card" aria-label="Recording">
      <audio className="player" controls preload="metadata" src={node.audio_original_url ?? undefined} aria-label="Original recording" />
      {taskId && <JobProgress key={taskId} taskId={taskId} label="Transcription" onCompleted={onTranscribed} />}
    </section>
  );
}
