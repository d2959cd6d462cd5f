// The recordings kept in this browser (IndexedDB): each chunk is written here before it is sent,
// so a closed tab, a reload or a lost network loses nothing that was recorded. A recording is
// forgotten once the server has made it an entry, or it was discarded.
import { openDB, type DBSchema, type IDBPDatabase } from "idb";

export interface LocalRecording {
  id: number;
  mimeType: string;
  parentId: number | null;
  createdAt: number;
  /** The recorder stopped: no more chunks will come. */
  stopped: boolean;
}

export interface LocalChunk {
  recordingId: number;
  number: number;
  bytes: Blob;
  uploaded: boolean;
  /** The first chunk of a new stream: the recording was continued here (or a file sent). */
  startsSegment?: boolean;
}

interface RecorderDB extends DBSchema {
  recordings: { key: number; value: LocalRecording };
  chunks: { key: [number, number]; value: LocalChunk; indexes: { byRecording: number } };
}

const DB_NAME = "wop-recordings";

let opened: Promise<IDBPDatabase<RecorderDB>> | null = null;

function db(): Promise<IDBPDatabase<RecorderDB>> {
  opened ??= openDB<RecorderDB>(DB_NAME, 1, {
    upgrade(database) {
      database.createObjectStore("recordings", { keyPath: "id" });
      const chunks = database.createObjectStore("chunks", { keyPath: ["recordingId", "number"] });
      chunks.createIndex("byRecording", "recordingId");
    },
  });
  return opened;
}

export async function saveRecording(recording: LocalRecording): Promise<void> {
  await (await db()).put("recordings", recording);
}

export async function getLocalRecording(id: number): Promise<LocalRecording | undefined> {
  return (await db()).get("recordings", id);
}

export async function localRecordings(): Promise<LocalRecording[]> {
  return (await db()).getAll("recordings");
}

export async function markStopped(id: number): Promise<void> {
  const database = await db();
  const recording = await database.get("recordings", id);
  if (recording) await database.put("recordings", { ...recording, stopped: true });
}

export async function addChunk(recordingId: number, number: number, bytes: Blob, startsSegment = false): Promise<void> {
  await (await db()).put("chunks", { recordingId, number, bytes, uploaded: false, startsSegment });
}

/** Keep `file` as the chunks of a recording: slices of at most `size` bytes, numbered from 0. */
export async function addFile(recordingId: number, file: Blob, size: number): Promise<number> {
  let number = 0;
  for (let offset = 0; offset < file.size; offset += size) {
    await addChunk(recordingId, number++, file.slice(offset, offset + size));
  }
  return number;
}

/** The number a continuation's first chunk takes: after every chunk stored here or on the server. */
export function nextNumber(...stored: number[][]): number {
  return Math.max(-1, ...stored.flat()) + 1;
}

export async function markContinued(id: number): Promise<void> {
  const database = await db();
  const recording = await database.get("recordings", id);
  if (recording) await database.put("recordings", { ...recording, stopped: false });
}

export async function markUploaded(recordingId: number, number: number): Promise<void> {
  const database = await db();
  const chunk = await database.get("chunks", [recordingId, number]);
  // The bytes are kept until the entry exists: finishing may still need them if the server lost some.
  if (chunk) await database.put("chunks", { ...chunk, uploaded: true });
}

/** The recording's chunks, in order. */
export async function chunksOf(recordingId: number): Promise<LocalChunk[]> {
  const chunks = await (await db()).getAllFromIndex("chunks", "byRecording", recordingId);
  return chunks.sort((a, b) => a.number - b.number);
}

/** How many chunks 0, 1, 2 … follow one another without a gap. */
export function unbrokenCount(numbers: number[]): number {
  const have = new Set(numbers);
  let n = 0;
  while (have.has(n)) n += 1;
  return n;
}

export async function forget(recordingId: number): Promise<void> {
  const database = await db();
  const tx = database.transaction(["recordings", "chunks"], "readwrite");
  await tx.objectStore("recordings").delete(recordingId);
  const keys = await tx.objectStore("chunks").index("byRecording").getAllKeys(recordingId);
  await Promise.all(keys.map((key) => tx.objectStore("chunks").delete(key)));
  await tx.done;
}
