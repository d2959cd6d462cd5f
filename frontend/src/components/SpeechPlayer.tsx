// An entry read aloud, through the app's one player: it plays the parts as the job makes them
// (part 1 while part 2 is being spoken, then on to the next as each ends), and the joined file once
// the job made it. The parts keep playing to the end once started; whenever the player is not
// playing a part (before the first play, paused, or after the last part), it holds the joined file
// instead, at the same point, so later plays and seeking use the whole. Another page's audio is
// never interrupted unless the person asked for this one.
import { useEffect, useRef, useState } from "react";
import { usePlayer } from "../player/PlayerProvider";
import type { JobPart } from "../types";

interface Props {
  /** Names this audio in the player (the read-aloud job, or the finished file). */
  trackId: string;
  /** What the player's bar calls it. */
  title?: string;
  /** The audio parts made so far (`url`, `seconds`), in order. */
  parts: JobPart[];
  /** How many parts there will be, once known. */
  count: number | null;
  /** The joined file, once made. */
  wholeUrl: string | null;
  /** Play as soon as there is something to play (the person asked for it on this page). */
  autoPlay: boolean;
}

type Holding = { kind: "none" } | { kind: "part"; index: number } | { kind: "whole" };

export const READ_ALOUD_LABEL = "Entry read aloud";

export default function SpeechPlayer({ trackId, title = "Entry read aloud", parts, count, wholeUrl, autoPlay }: Props) {
  const { player } = usePlayer();
  const [holding, setHolding] = useState<Holding>({ kind: "none" });
  const held = useRef<Holding>(holding);
  const waiting = useRef(false); // a part ended before the next one was made
  const latest = useRef({ parts, count, wholeUrl, autoPlay });
  latest.current = { parts, count, wholeUrl, autoPlay };

  /** The player holds this entry's audio (not something else put in it since). */
  const owns = () => player.state.track?.id === trackId;

  const hold = (next: Holding, url: string, play: boolean, at = 0) => {
    if (!play && !owns() && !player.idle) return; // someone listens to something else
    held.current = next;
    setHolding(next);
    const part = next.kind === "part" ? next.index : undefined;
    player.load({ id: trackId, src: url, title, label: READ_ALOUD_LABEL, part }, { play, at });
  };

  /** Seconds of audio before part `index`. */
  const before = (index: number) =>
    latest.current.parts.filter((p) => p.index < index).reduce((sum, p) => sum + (p.seconds ?? 0), 0);

  /** Make the player hold what it should, now that something changed. */
  const reconcile = () => {
    const el = player.element;
    if (!el) return;
    const { parts, count, wholeUrl, autoPlay } = latest.current;
    const part = (index: number) => parts.find((p) => p.index === index && p.url);
    const now = held.current;
    if (now.kind === "none") {
      const first = part(1);
      if (wholeUrl) hold({ kind: "whole" }, wholeUrl, autoPlay);
      else if (first?.url) hold({ kind: "part", index: 1 }, first.url, autoPlay);
      return;
    }
    if (now.kind !== "part" || !owns()) return;
    const next = part(now.index + 1);
    if (waiting.current) {
      if (next?.url) {
        waiting.current = false;
        hold({ kind: "part", index: now.index + 1 }, next.url, true);
      } else if (wholeUrl) {
        waiting.current = false; // the parts left were not seen (a poll that found the job done)
        hold({ kind: "whole" }, wholeUrl, true, before(now.index + 1));
      }
      return;
    }
    if (!wholeUrl) return;
    if (el.ended && count !== null && now.index >= count) hold({ kind: "whole" }, wholeUrl, false);
    else if (el.paused && !el.ended) hold({ kind: "whole" }, wholeUrl, false, before(now.index) + el.currentTime);
  };

  const ended = () => {
    const now = held.current;
    if (now.kind !== "part" || !owns()) return;
    const { count } = latest.current;
    waiting.current = count === null || now.index < count;
    reconcile();
  };

  const latestHandlers = useRef({ ended, reconcile });
  latestHandlers.current = { ended, reconcile };
  useEffect(() => {
    const el = player.element;
    if (!el) return;
    const onEnded = () => latestHandlers.current.ended();
    const onPause = () => latestHandlers.current.reconcile();
    el.addEventListener("ended", onEnded);
    el.addEventListener("pause", onPause);
    return () => {
      el.removeEventListener("ended", onEnded);
      el.removeEventListener("pause", onPause);
    };
  }, [player]);

  useEffect(reconcile, [parts, count, wholeUrl]);

  useEffect(() => {
    // Asked again (a second click) while the player stands still before its first play, or holds
    // something else.
    const el = player.element;
    if (!autoPlay || !el || held.current.kind === "none") return;
    if (!owns()) {
      held.current = { kind: "none" };
      reconcile();
    } else if (el.paused && el.currentTime === 0) player.play();
  }, [autoPlay]);

  const playing = holding.kind === "part" && count !== null && count > 1;
  return (
    <div className="speech" hidden={!playing}>
      {playing && (
        <p className="muted speech-part">
          Part {holding.index} of {count}
          {parts.length < count ? ", while the rest is being read" : ""}
        </p>
      )}
    </div>
  );
}
