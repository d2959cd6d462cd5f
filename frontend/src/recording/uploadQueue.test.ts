import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { ApiError, UNREACHABLE } from "../api/client";
import { addChunk, chunksOf, forget, saveRecording, unbrokenCount } from "./store";
import { UploadQueue, type Send } from "./uploadQueue";

let nextId = 1;

async function recordingWith(chunks: number): Promise<number> {
  const id = nextId++;
  await saveRecording({ id, mimeType: "audio/webm", parentId: null, createdAt: Date.now(), stopped: false });
  for (let n = 0; n < chunks; n++) await addChunk(id, n, new Blob([`chunk ${n}`]));
  return id;
}

const noPause = () => Promise.resolve();

describe("the recording store", () => {
  it("keeps chunks in order and forgets a recording with all of its chunks", async () => {
    const id = await recordingWith(0);
    await addChunk(id, 2, new Blob(["c"]));
    await addChunk(id, 0, new Blob(["a"]));
    await addChunk(id, 1, new Blob(["b"]));
    expect((await chunksOf(id)).map((c) => c.number)).toEqual([0, 1, 2]);
    await forget(id);
    expect(await chunksOf(id)).toEqual([]);
  });

  it("counts the chunks that follow one another without a gap", () => {
    expect(unbrokenCount([])).toBe(0);
    expect(unbrokenCount([0, 1, 2])).toBe(3);
    expect(unbrokenCount([0, 1, 3, 4])).toBe(2);
    expect(unbrokenCount([1, 2])).toBe(0);
  });
});

describe("the upload queue", () => {
  it("sends every stored chunk once, in order, and marks it sent", async () => {
    const id = await recordingWith(3);
    const sent: number[] = [];
    const queue = new UploadQueue(id, async (_, n) => void sent.push(n), undefined, noPause);
    await queue.drain();
    expect(sent).toEqual([0, 1, 2]);
    expect((await chunksOf(id)).every((c) => c.uploaded)).toBe(true);
    await addChunk(id, 3, new Blob(["more"]));
    await queue.drain();
    expect(sent).toEqual([0, 1, 2, 3]);
    expect(queue.state).toMatchObject({ waiting: 0, error: null, refused: false });
  });

  it("tries again with growing pauses while the server cannot be reached, and loses nothing", async () => {
    const id = await recordingWith(2);
    let failures = 3;
    const sent: number[] = [];
    const pauses: number[] = [];
    const send: Send = async (_, n) => {
      if (n === 1 && failures-- > 0) throw new ApiError(0, "Could not reach the server.", UNREACHABLE);
      sent.push(n);
    };
    const queue = new UploadQueue(id, send, undefined, async (ms) => void pauses.push(ms));
    await queue.drain();
    expect(sent).toEqual([0, 1]);
    expect(pauses).toEqual([1000, 2000, 4000]);
    expect(queue.state.error).toBeNull();
  });

  it("stops at a refusal and says why, keeping the chunk unsent", async () => {
    const id = await recordingWith(2);
    const send: Send = async (_, n) => {
      if (n === 1) throw new ApiError(413, "The chunk is too large (RECORDING_CHUNK_MAX_MB).", "too_large");
    };
    const queue = new UploadQueue(id, send, undefined, noPause);
    await queue.drain();
    expect(queue.state).toMatchObject({ refused: true, error: "The chunk is too large (RECORDING_CHUNK_MAX_MB)." });
    expect((await chunksOf(id)).map((c) => c.uploaded)).toEqual([true, false]);
  });

  it("resumes in a new queue (after a reload) with what the last one did not send", async () => {
    const id = await recordingWith(3);
    const first = new UploadQueue(id, async (_, n) => {
      if (n === 1) throw new ApiError(0, "offline", UNREACHABLE);
    }, undefined, async () => first.close());
    await first.drain();
    const sent: number[] = [];
    await new UploadQueue(id, async (_, n) => void sent.push(n), undefined, noPause).drain();
    expect(sent).toEqual([1, 2]);
  });
});
