// An entry read aloud, shown on its page: the audio goes through the player's queue for it
// (player/speech.ts), which plays the parts as the job makes them and goes on when the page is
// left. The page puts it in the player and says which part is playing.
import { useEffect, useState, useSyncExternalStore } from "react";
import { usePlayer } from "../player/PlayerProvider";
import { speechQueue, type SpeechQueue, type SpeechSource, type SpeechView } from "../player/speech";

interface Props {
  /** Names this audio in the player (the entry read aloud). */
  trackId: string;
  /** What the player's bar calls it. */
  title?: string;
  /** The read-aloud job, or the file made before. */
  source: SpeechSource;
  /** Play as soon as there is something to play (the person asked for it on this page). */
  autoPlay: boolean;
}

const NOT_YET: SpeechView = { holding: { kind: "none" }, count: null, made: 0 };
const noQueue = () => () => undefined;

export default function SpeechPlayer({ trackId, title = "Entry read aloud", source, autoPlay }: Props) {
  const { player } = usePlayer();
  const [queue, setQueue] = useState<SpeechQueue | null>(null);
  const sourceKey = "taskId" in source ? source.taskId : source.wholeUrl;

  useEffect(() => {
    const found = speechQueue(player, trackId, title, source);
    const hide = found.show();
    setQueue(found);
    return hide;
    // The source is named by its key: a new object for the same job is the same audio.
  }, [player, trackId, title, sourceKey]);

  useEffect(() => {
    if (autoPlay) queue?.ask();
  }, [queue, autoPlay]);

  const { holding, count, made } = useSyncExternalStore(queue?.subscribe ?? noQueue, () => queue?.getView() ?? NOT_YET);
  const playing = holding.kind === "part" && count !== null && count > 1;
  return (
    <div className="speech" hidden={!playing}>
      {playing && (
        <p className="muted speech-part">
          Part {holding.index} of {count}
          {made < count ? ", while the rest is being read" : ""}
        </p>
      )}
    </div>
  );
}
