// A voice entry: the recording, played in the app's one player, and the transcription job until
// the transcript is in (the transcript itself grows in the entry as its parts are done: EntryView).
import { useEffect } from "react";
import { formatDate } from "../format";
import { clock } from "../player/PlayerBar";
import { usePlayer } from "../player/PlayerProvider";
import type { Track } from "../player/player";
import type { Job, NodeDetail } from "../types";
import JobProgress from "./JobProgress";

interface Props {
  node: NodeDetail;
  /** The transcription job shown, if any (none for someone else's recording: the job is its writer's). */
  taskId: string | null;
  onTranscribed: (job: Job) => void;
  onRetried: (taskId: string) => void;
}

export function recordingTrack(node: NodeDetail): Track | null {
  if (!node.audio_original_url) return null;
  return {
    id: `node:${node.id}`,
    src: node.audio_original_url,
    title: node.author ? `Recording by ${node.author}` : "Recording",
    artist: formatDate(node.created_at),
    label: "Original recording",
    seconds: node.audio_duration_seconds,
  };
}

export default function VoicePanel({ node, taskId, onTranscribed, onRetried }: Props) {
  const { player, state } = usePlayer();
  const track = recordingTrack(node);
  const current = !!track && state.track?.id === track.id;

  // The recording waits in the player, ready to play, unless something else is playing.
  useEffect(() => {
    if (track && player.idle && !current) player.load(track, { play: false });
  }, [track?.src]);

  return (
    <section className="voice card" aria-label="Recording">
      {track && (
        <div className="row">
          <button
            type="button"
            className="secondary"
            onClick={() => (current ? player.toggle() : player.load(track))}
          >
            {current && state.playing ? "❚❚ Pause the recording" : "▶ Play the recording"}
          </button>
          <span className="muted">{clock(current ? state.duration : (node.audio_duration_seconds ?? null))}</span>
        </div>
      )}
      {taskId && (
        <JobProgress key={taskId} taskId={taskId} label="Transcription" onCompleted={onTranscribed} onRetried={onRetried} />
      )}
    </section>
  );
}
