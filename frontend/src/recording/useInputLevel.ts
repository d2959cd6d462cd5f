// The live level of a microphone stream (the one being recorded; it is not opened again): a Web
// Audio AnalyserNode read once per animation frame. Everything stops with the stream's end, or
// when the component goes away.
import { useEffect, useState } from "react";
import { levelOf } from "./level";

/** 0–100 while `stream` is given and the browser has Web Audio; null otherwise. */
export function useInputLevel(stream: MediaStream | null): number | null {
  const [level, setLevel] = useState<number | null>(null);

  useEffect(() => {
    if (!stream || typeof AudioContext === "undefined") {
      setLevel(null);
      return;
    }
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    const source = context.createMediaStreamSource(stream);
    source.connect(analyser); // an analyser needs no way out to the speakers
    void context.resume().catch(() => undefined);
    const samples = new Float32Array(analyser.fftSize);
    let frame = 0;
    const measure = () => {
      analyser.getFloatTimeDomainData(samples);
      setLevel(levelOf(samples));
      frame = requestAnimationFrame(measure);
    };
    setLevel(0);
    frame = requestAnimationFrame(measure);
    return () => {
      cancelAnimationFrame(frame);
      source.disconnect();
      void context.close().catch(() => undefined);
    };
  }, [stream]);

  return stream ? level : null;
}
