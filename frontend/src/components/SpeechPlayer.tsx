// One player for an entry read aloud: it plays the parts as the job makes them (part 1 while part 2
// is being spoken, then on to the next as each ends), and the joined file once the job made it.
// The parts keep playing to the end once started; whenever the player is not playing a part
// (before the first play, paused, or after the last part), it holds the joined file instead, at
// the same point, so later plays and seeking use the whole.
import { useEffect, useRef, useState } from "react";
import type { JobPart } from "../types";

interface Props {
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

export default function SpeechPlayer({ parts, count, wholeUrl, autoPlay }: Props) {
  const audio = useRef<HTMLAudioElement>(null);
  const [holding, setHolding] = useState<Holding>({ kind: "none" });
  const held = useRef<Holding>(holding);
  const waiting = useRef(false); // a part ended before the next one was made
  const latest = useRef({ parts, count, wholeUrl, autoPlay });
  latest.current = { parts, count, wholeUrl, autoPlay };

  const hold = (next: Holding, url: string, play: boolean, at = 0) => {
    const el = audio.current;
    if (!el) return;
    held.current = next;
    setHolding(next);
    // A media fragment starts the joined file where the parts had got to.
    el.src = at > 0.05 ? `${url}#t=${at.toFixed(2)}` : url;
    if (play) el.play().catch(() => reconcile()); // refused (no click on this page yet): the controls stay
  };

  /** Seconds of audio before part `index`. */
  const before = (index: number) =>
    latest.current.parts.filter((p) => p.index < index).reduce((sum, p) => sum + (p.seconds ?? 0), 0);

  /** Make the element hold what it should, now that something changed. */
  const reconcile = () => {
    const el = audio.current;
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
    if (now.kind !== "part") return;
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
    if (now.kind !== "part") return;
    const { count } = latest.current;
    waiting.current = count === null || now.index < count;
    reconcile();
  };

  useEffect(reconcile, [parts, count, wholeUrl]);

  useEffect(() => {
    // Asked again (a second click) while the player stands still before its first play.
    const el = audio.current;
    if (autoPlay && el && el.paused && el.currentTime === 0 && held.current.kind !== "none") {
      el.play().catch(() => undefined);
    }
  }, [autoPlay]);

  return (
    <div className="speech" hidden={holding.kind === "none"}>
      <audio
        ref={audio}
        className="player"
        controls
        preload="auto"
        aria-label="Entry read aloud"
        onEnded={ended}
        onPause={reconcile}
        data-part={holding.kind === "part" ? holding.index : undefined}
      />
      {holding.kind === "part" && count !== null && count > 1 && (
        <p className="muted speech-part">
          Part {holding.index} of {count}
          {parts.length < count ? ", while the rest is being read" : ""}
        </p>
      )}
    </div>
  );
}
