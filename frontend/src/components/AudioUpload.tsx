// Pick an audio file and send it as a voice entry (the one-shot upload, POST /api/nodes/ with
// `audio_file`); it is transcribed like a recording made here. A file that is plainly not audio
// is refused before it is sent, with what to choose instead.
import { useRef, type ChangeEvent } from "react";
import { createVoiceNode } from "../api/nodes";
import { formatNumber } from "../format";
import { useAction } from "../hooks/useAction";
import { useConfig } from "../hooks/useConfig";
import type { Privacy, VoiceNode } from "../types";
import ErrorMessage from "./ErrorMessage";

interface Props {
  parentId?: number;
  privacy?: Privacy;
  aiExcluded?: boolean;
  onUploaded: (node: VoiceNode) => void;
}

// What the server accepts (wop/api/voice.py AUDIO_TYPES).
export const AUDIO_EXTENSIONS = ["mp3", "m4a", "wav", "ogg", "oga", "opus", "webm", "mp4", "aac", "flac", "mpeg", "mpga"];
const KINDS = "MP3, M4A, WAV, OGG, Opus, WebM, AAC or FLAC";

/** Why this file cannot be sent, in words a person can act on; null when it may be. */
export function refusal(file: File, maxMb: number | null): string | null {
  const ext = file.name.includes(".") ? file.name.split(".").pop()!.toLowerCase() : "";
  if (!AUDIO_EXTENSIONS.includes(ext) && !file.type.startsWith("audio/")) {
    return `“${file.name}” is not an audio file. Choose a recording (${KINDS}).`;
  }
  if (maxMb && file.size > maxMb * 1024 * 1024) {
    return `“${file.name}” is ${formatNumber(Math.ceil(file.size / (1024 * 1024)))} MB; recordings of up to ${formatNumber(maxMb)} MB can be uploaded.`;
  }
  return null;
}

export default function AudioUpload({ parentId, privacy, aiExcluded, onUploaded }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const { data: config } = useConfig();
  const { busy, error, setError, run } = useAction();

  const picked = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = ""; // the same file can be picked again after an error
    if (!file) return;
    const refused = refusal(file, config?.max_upload_mb ?? null);
    if (refused) {
      setError(refused);
      return;
    }
    await run(async () => onUploaded(await createVoiceNode({ audio: file, filename: file.name, parentId, privacy, aiExcluded })));
  };

  return (
    <span className="audio-upload">
      <input
        ref={input}
        type="file"
        accept={["audio/*", ...AUDIO_EXTENSIONS.map((e) => `.${e}`)].join(",")}
        hidden
        aria-label="Audio file to upload"
        onChange={picked}
      />
      <button type="button" className="secondary" onClick={() => input.current?.click()} disabled={busy} title="Send a recording made elsewhere; it is transcribed for you">
        {busy ? "Uploading…" : "⇪ Upload audio"}
      </button>
      <ErrorMessage message={error} />
    </span>
  );
}
