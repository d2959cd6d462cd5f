// A voice entry: the recording, and the transcription job until the transcript is in (the
// transcript itself grows in the entry as its parts are done: EntryView).
import type { Job, NodeDetail } from "../types";
import JobProgress from "./JobProgress";

interface Props {
  node: NodeDetail;
  /** The transcription job shown, if any (none for someone else's recording: the job is its writer's). */
  taskId: string | null;
  onTranscribed: (job: Job) => void;
  onRetried: (taskId: string) => void;
}

export default function VoicePanel({ node, taskId, onTranscribed, onRetried }: Props) {
  return (
    <section className="voice card" aria-label="Recording">
      <audio className="player" controls preload="metadata" src={node.audio_original_url ?? undefined} aria-label="Original recording" />
      {taskId && (
        <JobProgress key={taskId} taskId={taskId} label="Transcription" onCompleted={onTranscribed} onRetried={onRetried} />
      )}
    </section>
  );
}
