// Records with MediaRecorder a few seconds at a time: each chunk goes to IndexedDB first, then to
// the server (UploadQueue). Stopping sends what is missing and asks the server to finish; the
// finish job is then followed by the caller (its task id). Recordings left unfinished (a closed
// tab, a reload) are offered again: finish them, continue recording into them (a new stream,
// its first chunk marked as such), or discard them.
import { useEffect, useRef, useState } from "react";
import { ApiError, messageOf } from "../api/client";
import { useEvents } from "../hooks/useEvents";
import type { Privacy } from "../types";
import { refusal } from "./audioFile";
import { createRecording, discardRecording, finishRecording, getRecording, openRecordings, putChunk } from "./api";
import {
  addChunk,
  addFile,
  chunksOf,
  forget,
  getLocalRecording,
  localRecordings,
  markContinued,
  markStopped,
  nextNumber,
  saveRecording,
  unbrokenCount,
} from "./store";
import { ScreenKeeper } from "./screenLock";
import { UploadQueue, type QueueState } from "./uploadQueue";

export const SLICE_MS = 5000;
export const FILE_CHUNK_BYTES = 4 * 1024 * 1024;
// A file's type where the browser gives none (by its name's ending).
const FILE_TYPES: Record<string, string> = {
  m4a: "audio/mp4",
  mp4: "audio/mp4",
  aac: "audio/aac",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  opus: "audio/ogg",
  webm: "audio/webm",
  flac: "audio/flac",
};
const TRANSCRIPT_CHECK_MS = 10_000; // in case a `part` event was missed
const TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];

export type RecorderState = "idle" | "recording" | "finishing" | "following";

export interface Unfinished {
  id: number;
  createdAt: string;
}

interface Options {
  parentId?: number;
  privacy?: Privacy;
  aiExcluded?: boolean;
}

const IDLE_QUEUE: QueueState = { waiting: 0, error: null, refused: false };

export function useChunkedRecorder({ parentId, privacy, aiExcluded = false }: Options) {
  const [state, setState] = useState<RecorderState>("idle");
  const [recordingId, setRecordingId] = useState<number | null>(null);
  const [seconds, setSeconds] = useState(0);
  const [pieces, setPieces] = useState<Record<number, string>>({});
  const [serverTranscript, setServerTranscript] = useState("");
  const [queueState, setQueueState] = useState<QueueState>(IDLE_QUEUE);
  const [taskId, setTaskId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [unfinished, setUnfinished] = useState<Unfinished[]>([]);
  // The microphone while it records, for the level meter (the same stream the recorder has).
  const [stream, setStream] = useState<MediaStream | null>(null);
  const recorder = useRef<MediaRecorder | null>(null);
  const queue = useRef<UploadQueue | null>(null);
  const screenKeeper = useRef(new ScreenKeeper());

  const queueFor = (id: number): UploadQueue => {
    if (queue.current?.recordingId !== id) {
      queue.current?.close();
      queue.current = new UploadQueue(id, putChunk, setQueueState);
    }
    return queue.current;
  };

  // The recordings this box left unfinished (same parent), here or on the server.
  const place = parentId ?? null;
  useEffect(() => {
    let live = true;
    (async () => {
      const found = new Map<number, Unfinished>();
      const server = await openRecordings().catch(() => []);
      for (const r of server) if (r.parent_id === place) found.set(r.recording_id, { id: r.recording_id, createdAt: r.created_at });
      for (const local of await localRecordings().catch(() => [])) {
        if (local.parentId !== place || found.has(local.id)) continue;
        const there = await getRecording(local.id).catch((err: unknown) => (err instanceof ApiError && err.status === 404 ? null : undefined));
        if (there === null || there?.status === "finished" || there?.status === "discarded") {
          await forget(local.id); // made into an entry, or gone: nothing left to offer
          continue;
        }
        found.set(local.id, { id: local.id, createdAt: new Date(local.createdAt).toISOString() });
      }
      if (live) setUnfinished([...found.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt)));
    })();
    return () => {
      live = false;
    };
  }, [place]);

  useEffect(() => {
    if (state !== "recording") return;
    const timer = window.setInterval(() => setSeconds((s) => s + 1), 1000);
    return () => window.clearInterval(timer);
  }, [state]);

  // The transcript so far: pieces as they are pushed, and the server's text now and then.
  useEvents((signal) => {
    if (signal.type !== "part" || recordingId === null) return;
    const part = signal.data as { recording_id?: number; index: number; text?: string };
    if (part.recording_id !== recordingId) return;
    setPieces((known) => ({ ...known, [part.index]: part.text ?? "" }));
  });
  useEffect(() => {
    if (recordingId === null || (state !== "recording" && state !== "finishing")) return;
    const look = () => getRecording(recordingId).then((r) => setServerTranscript(r.transcript ?? ""), () => undefined);
    const timer = window.setInterval(look, TRANSCRIPT_CHECK_MS);
    return () => window.clearInterval(timer);
  }, [recordingId, state]);

  useEffect(
    () => () => {
      recorder.current?.stream.getTracks().forEach((t) => t.stop());
      queue.current?.close();
      void screenKeeper.current.release();
    },
    [],
  );

  const joined = Object.keys(pieces)
    .map(Number)
    .sort((a, b) => a - b)
    .map((n) => pieces[n])
    .filter(Boolean)
    .join(" ");
  const transcript = joined.length >= serverTranscript.length ? joined : serverTranscript;

  /** Send what the server lacks, then ask it to finish: the finish job's task id is followed. */
  const finish = async (id: number) => {
    setRecordingId(id);
    setState("finishing");
    setError(null);
    try {
      const q = queueFor(id);
      await q.drain();
      if (q.state.refused) throw new Error(q.state.error ?? "The server refused part of the recording.");
      const there = await getRecording(id);
      if (there.status === "finished" && there.node_id !== null) {
        setTaskId(there.task_id);
      } else {
        const local = (await chunksOf(id)).map((c) => c.number);
        const count = Math.max(unbrokenCount(local), there.next_chunk);
        if (count === 0) {
          await discard(id);
          throw new Error("Nothing was recorded.");
        }
        setTaskId((await finishRecording(id, count)).task_id);
      }
      setUnfinished((list) => list.filter((u) => u.id !== id));
      setState("following");
    } catch (err) {
      setError(messageOf(err));
      setState("idle");
      setUnfinished((list) => (list.some((u) => u.id === id) ? list : [{ id, createdAt: new Date().toISOString() }, ...list]));
    }
  };

  /** Record into `into` (a recording continued: its chunks go on from `first`, in a new stream),
   *  or into a new recording. */
  const record = async (into?: { id: number; mimeType: string; first: number }) => {
    setError(null);
    if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === "undefined") {
      setError("This browser cannot record audio here (recording needs HTTPS or localhost).");
      return;
    }
    if (into && !MediaRecorder.isTypeSupported(into.mimeType)) {
      setError(`This recording was made as ${into.mimeType}, which this browser cannot record: finish it instead.`);
      return;
    }
    let stream: MediaStream | null = null;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const mimeType = into?.mimeType ?? TYPES.find((t) => MediaRecorder.isTypeSupported(t));
      const rec = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
      const type = into?.mimeType ?? (rec.mimeType || mimeType || "audio/webm");
      let id: number;
      if (into) {
        id = into.id;
        if (await getLocalRecording(id)) await markContinued(id);
        else await saveRecording({ id, mimeType: type, parentId: place, createdAt: Date.now(), stopped: false });
      } else {
        id = (await createRecording({ mime_type: type, parent_id: parentId, privacy, ai_excluded: aiExcluded })).recording_id;
        await saveRecording({ id, mimeType: type, parentId: place, createdAt: Date.now(), stopped: false });
      }
      const q = queueFor(id);
      const first = into?.first ?? 0;
      let next = first;
      let written = Promise.resolve();
      rec.ondataavailable = (e) => {
        if (!e.data.size) return;
        const number = next++;
        // Stored before it is sent, in order: what is in IndexedDB survives the tab. A continuation's
        // first chunk begins a stream of its own (its own container header).
        written = written.then(() => addChunk(id, number, e.data, number === first && first > 0)).then(() => void q.drain());
      };
      rec.onstop = () => {
        rec.stream.getTracks().forEach((t) => t.stop());
        recorder.current = null;
        setStream(null);
        void screenKeeper.current.release();
        void written.then(() => markStopped(id)).then(() => finish(id));
      };
      setPieces({});
      setTaskId(null);
      setRecordingId(id);
      setSeconds(0);
      setUnfinished((list) => list.filter((u) => u.id !== id));
      // The microphone taken away (a locked phone screen, another app): finish what was captured.
      const stopCapturing = () => {
        if (rec.state !== "inactive") rec.stop();
      };
      stream.getTracks().forEach((t) => t.addEventListener("ended", stopCapturing));
      rec.onerror = stopCapturing;
      rec.start(SLICE_MS);
      recorder.current = rec;
      setStream(stream);
      void screenKeeper.current.hold();
      setState("recording");
    } catch (err) {
      stream?.getTracks().forEach((t) => t.stop());
      setError(`Could not start recording: ${messageOf(err)}`);
    }
  };

  const start = () => {
    setServerTranscript("");
    return record();
  };

  /** Go on recording into an unfinished recording: what the server lacks is sent first, then the
   *  new chunks follow the last stored one. */
  const continueRecording = async (id: number) => {
    setError(null);
    try {
      const q = queueFor(id);
      await q.drain();
      if (q.state.refused) throw new Error(q.state.error ?? "The server refused part of the recording.");
      const there = await getRecording(id);
      if (there.status !== "open") throw new Error("This recording can no longer be continued: finish it or discard it.");
      const local = (await chunksOf(id)).map((c) => c.number);
      setServerTranscript(there.transcript ?? "");
      await record({ id, mimeType: there.mime_type, first: nextNumber(local, there.chunks) });
    } catch (err) {
      setError(messageOf(err));
    }
  };

  /** Send an audio file as a recording of one stream: kept here in slices first, so that a send
   *  that fails (or a closed tab) resumes with the slices the server lacks. */
  const uploadFile = async (file: File) => {
    const refused = refusal(file, null); // its size is checked against the recording's limits below
    setError(refused);
    if (refused) return;
    let id: number | undefined;
    const mimeType = file.type || FILE_TYPES[file.name.split(".").pop()?.toLowerCase() ?? ""] || "";
    try {
      const made = await createRecording({ mime_type: mimeType, parent_id: parentId, privacy, ai_excluded: aiExcluded });
      id = made.recording_id;
      const limits = made.limits;
      if (limits && file.size > limits.total_bytes) {
        await discardRecording(id);
        const mb = (bytes: number) => Math.ceil(bytes / (1024 * 1024));
        throw new Error(`This file is ${mb(file.size)} MB; a recording may hold at most ${mb(limits.total_bytes)} MB.`);
      }
      await saveRecording({ id, mimeType, parentId: place, createdAt: Date.now(), stopped: true });
      await addFile(id, file, Math.min(FILE_CHUNK_BYTES, limits?.chunk_bytes ?? FILE_CHUNK_BYTES));
      setPieces({});
      setServerTranscript("");
      setTaskId(null);
      await finish(id); // a failure it explains, and offers the recording to finish later
      if (refusedHere(id)) throw new Error(queue.current?.state.error ?? "The server refused the file.");
    } catch (err) {
      setError(`Could not upload ${file.name}: ${messageOf(err)}`);
      // Refused by the server (not audio after all, too large): nothing to resume, so nothing kept.
      if (id !== undefined && refusedHere(id)) await discard(id);
    }
  };

  /** Whether the server refused a chunk of recording `id` (its queue stopped for good). */
  const refusedHere = (id: number) => queue.current?.recordingId === id && queue.current.state.refused;

  const stop = () => {
    if (recorder.current?.state === "recording") recorder.current.stop();
  };

  const discard = async (id: number) => {
    try {
      await discardRecording(id);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) {
        setError(messageOf(err));
        return;
      }
    }
    if (queue.current?.recordingId === id) queue.current.close();
    await forget(id);
    setUnfinished((list) => list.filter((u) => u.id !== id));
  };

  /** The entry exists: this browser's copy is no longer needed. */
  const done = async () => {
    if (recordingId !== null && (await getLocalRecording(recordingId))) await forget(recordingId);
    setState("idle");
    setTaskId(null);
    setRecordingId(null);
  };

  return {
    state,
    seconds,
    stream,
    transcript,
    waiting: queueState.waiting,
    uploadError: queueState.error,
    taskId,
    error,
    unfinished,
    start,
    continueRecording,
    uploadFile,
    stop,
    finish,
    discard,
    done,
  };
}
