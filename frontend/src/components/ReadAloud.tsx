// Read an entry aloud: plays at once when the audio exists; else follows the speech job and plays
// its parts as they are made, and on after the page is left (the player keeps the queue). A job
// still running from before a reload is shown again, with its player ready (it starts playing only
// when asked to on this page).
import { useState } from "react";
import { latestReadAloudJob } from "../api/jobs";
import { readAloud } from "../api/nodes";
import { useAction } from "../hooks/useAction";
import { useFollowedJob } from "../hooks/useFollowedJob";
import ErrorMessage from "./ErrorMessage";
import JobProgress from "./JobProgress";
import SpeechPlayer from "./SpeechPlayer";

const RUNNING = ["pending", "processing"] as const;

export default function ReadAloud({ nodeId }: { nodeId: number }) {
  const [ready, setReady] = useState<string | null>(null);
  const [taskId, setTaskId] = useFollowedJob(() => latestReadAloudJob(nodeId), nodeId, RUNNING);
  const [asked, setAsked] = useState(false);
  const { busy, error, run } = useAction();

  const request = async () => {
    setAsked(true);
    await run(async () => {
      const answer = await readAloud(nodeId);
      if (answer.ready) {
        setTaskId(null);
        setReady(answer.tts_url);
      } else {
        setReady(null);
        setTaskId(answer.task_id);
      }
    });
  };

  return (
    <section className="tool" aria-label="Read aloud">
      <div className="row">
        <button type="button" className="secondary" onClick={request} disabled={busy}>
          ▶ Read aloud
        </button>
      </div>
      <ErrorMessage message={error} />
      {taskId && <JobProgress key={taskId} taskId={taskId} label="Reading aloud" />}
      {ready && <SpeechPlayer key={ready} trackId={`read-aloud:${nodeId}`} source={{ wholeUrl: ready }} autoPlay={asked} />}
      {!ready && taskId && <SpeechPlayer key={taskId} trackId={`read-aloud:${nodeId}`} source={{ taskId }} autoPlay={asked} />}
    </section>
  );
}
