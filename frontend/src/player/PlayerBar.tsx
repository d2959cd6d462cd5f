// The player's bar, fixed at the bottom of the window while something is loaded: play/pause, a
// seek slider over the real duration, the time, the speed, and close. It holds the app's one
// <audio> element, which stays in the page (hidden) even when nothing is loaded.
import { useCallback } from "react";
import { usePlayer } from "./PlayerProvider";
import { RATES } from "./player";

export function clock(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return "–:––";
  const whole = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}

export default function PlayerBar() {
  const { player, state } = usePlayer();
  const { track, playing, currentTime, duration, rate, error } = state;
  // Stable, so the element is handed over once, not again on every render.
  const attach = useCallback((el: HTMLAudioElement | null) => player.attach(el), [player]);
  return (
    <>
      <audio
        ref={attach}
        preload="metadata"
        aria-label={track?.label ?? "Audio player"}
        data-part={track?.part}
        data-track={track?.id}
      />
      {track && (
        <section className="player-bar" aria-label="Audio player" data-playing={playing}>
          <button
            type="button"
            className="player-toggle"
            onClick={() => player.toggle()}
            aria-label={playing ? "Pause" : "Play"}
          >
            {playing ? "❚❚" : "▶"}
          </button>
          <div className="player-main">
            <span className="player-title">
              {track.title}
              {track.artist && <span className="muted"> · {track.artist}</span>}
            </span>
            <div className="player-seek">
              <span className="player-time" aria-label="Elapsed">{clock(currentTime)}</span>
              <input
                type="range"
                min={0}
                max={duration ?? 0}
                step="any"
                value={duration ? Math.min(currentTime, duration) : 0}
                disabled={!duration}
                onChange={(e) => player.seek(Number(e.target.value))}
                aria-label="Seek"
                aria-valuetext={`${clock(currentTime)} of ${clock(duration)}`}
              />
              <span className="player-time" aria-label="Duration">{clock(duration)}</span>
            </div>
            {error && (
              <span className="player-error" role="alert">
                {error}
              </span>
            )}
          </div>
          <label className="player-rate">
            <span className="visually-hidden">Speed</span>
            <select value={rate} onChange={(e) => player.setRate(Number(e.target.value))}>
              {RATES.map((r) => (
                <option key={r} value={r}>
                  {r}×
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="link-button player-close" onClick={() => player.close()} aria-label="Close the player">
            ✕
          </button>
        </section>
      )}
    </>
  );
}
