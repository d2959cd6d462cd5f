// Record a voice entry with MediaRecorder and upload it as multipart `audio_file`.
// A recording that failed to upload is kept, to upload again or save to disk.
import { useEffect, useRef, useState } from "react";
import { messageOf } from "../api/client";
import { createVoiceNode } from "../api/nodes";
import type { NodeDetail, Privacy } from "../types";
import ErrorMessage from "./ErrorMessage";

interface Props {
  parentId?: number;
  privacy?: Privacy;
  aiExcluded?: boolean;
  onUploaded: (node: NodeDetail) => void;
}

type State = "idle" | "recording" | "uploading" | "failed";

const TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];

function extensionOf(mime: string): string {
  if (mime.includes("ogg")) return "ogg";
  if (mime.includes("mp4")) return "m4a";
  return "webm";
}

function clock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

export default function VoiceRecorder({ parentId, privacy, aiExcluded = false, onUploaded }: Props) {
  const [state, setState] = useState<State>("idle");
  const [error, setError] = useState<string | null>(null);
  const [seconds, setSeconds] = useState(0);
  const [recording, setRecording] = useState<Blob | null>(null);
  const [recordingUrl, setRecordingUrl] = useState<string | null>(null);
  const recorder = useRef<MediaRecorder | null>(null);

  useEffect(() => {
    if (state !== "recording") return;
    const timer = window.setInterval(() => setSeconds((s) => s + 1), 1000);
    return () => window.clearInterval(timer);
  }, [state]);

  useEffect(() => () => {
    if (recordingUrl) URL.revokeObjectURL(recordingUrl);
  }, [recordingUrl]);

  useEffect(() => () => recorder.current?.stream.getTracks().forEach((t) => t.stop()), []);

  const upload = async (blob: Blob) => {
    setState("uploading");
    setError(null);
    try {
      const node = await createVoiceNode({ audio: blob, filename: `recording.${extensionOf(blob.type)}`, parentId, privacy, aiExcluded });
      setRecording(null);
      setRecordingUrl(null);
      setState("idle");
      onUploaded(node);
    } catch (err) {
      setRecording(blob);
      setRecordingUrl(URL.createObjectURL(blob));
      setError(messageOf(err));
      setState("failed");
    }
  };

  const start = async () => {
    setError(null);
    if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === "undefined") {
      setError("This browser cannot record audio here (recording needs HTTPS or localhost).");
      return;
    }
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t));
      const rec = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
      const chunks: Blob[] = [];
      rec.ondataavailable = (e) => e.data.size && chunks.push(e.data);
      rec.onstop = () => {
        stream.getTracks().forEach((t) => t.stop());
        recorder.current = null;
        const blob = new Blob(chunks, { type: rec.mimeType || mimeType || "audio/webm" });
        if (blob.size === 0) {
          setError("Nothing was recorded.");
          setState("idle");
          return;
        }
        void upload(blob);
      };
      rec.start(1000);
      recorder.current = rec;
      setSeconds(0);
      setState("recording");
    } catch (err) {
      setError(`Could not start recording: ${messageOf(err)}`);
    }
  };

  const stop = () => recorder.current?.stop();

  const discard = () => {
    setRecording(null);
    setRecordingUrl(null);
    setError(null);
    setState("idle");
  };

  return (
    <div className="recorder">
      {state === "idle" && (
        <button type="button" className="secondary" onClick={start} title="Dictate an entry; it is transcribed for you">
          ● Record
        </button>
      )}
      {state === "recording" && (
        <button type="button" className="danger" onClick={stop}>
          ■ Stop {clock(seconds)}
        </button>
      )}
      {state === "uploading" && <span className="muted">Uploading recording…</span>}
      {state === "failed" && recording && (
        <>
          <button type="button" onClick={() => upload(recording)}>
            Upload again
          </button>
          {recordingUrl && (
            <a className="small-link" href={recordingUrl} download={`recording.${extensionOf(recording.type)}`}>
              Save recording
            </a>
          )}
          <button type="button" className="link-button" onClick={discard}>
            Discard
          </button>
        </>
      )}
      <ErrorMessage message={error} />
    </div>
  );
}
