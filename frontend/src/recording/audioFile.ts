// What a picked file must be to be sent as a recording: audio, by its name or its type. The
// server looks inside as well; this says it at once, in words a person can act on.
import { formatNumber } from "../format";

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
