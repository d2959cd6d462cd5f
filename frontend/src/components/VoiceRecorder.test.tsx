import "fake-indexeddb/auto";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, UNREACHABLE } from "../api/client";
import type { Recording } from "../recording/api";
import { addChunk, chunksOf, forget, localRecordings, saveRecording } from "../recording/store";
import VoiceRecorder from "./VoiceRecorder";

const SLOW = { timeout: 5000 }; // IndexedDB work on a busy machine

const api = vi.hoisted(() => ({
  openRecordings: vi.fn(),
  getRecording: vi.fn(),
  discardRecording: vi.fn(),
  finishRecording: vi.fn(),
  putChunk: vi.fn(),
  createRecording: vi.fn(),
}));
vi.mock("../recording/api", () => api);

const serverRecording = (id: number, change: Partial<Recording> = {}): Recording => ({
  recording_id: id,
  status: "open",
  mime_type: "audio/webm",
  parent_id: null,
  privacy: null,
  ai_excluded: false,
  chunks: [],
  next_chunk: 0,
  chunk_count: null,
  bytes_received: 0,
  received_seconds: null,
  node_id: null,
  task_id: null,
  created_at: "2026-11-29T20:00:00Z",
  ...change,
});

beforeEach(async () => {
  for (const local of await localRecordings()) await forget(local.id); // each test starts with an empty browser
  for (const fn of Object.values(api)) fn.mockReset();
  api.openRecordings.mockResolvedValue([]);
  api.putChunk.mockResolvedValue(undefined);
});

describe("an unfinished recording", () => {
  it("left in this browser is finished with every chunk kept here, the missing ones sent first", async () => {
    await saveRecording({ id: 501, mimeType: "audio/webm", parentId: null, createdAt: Date.now(), stopped: false });
    for (const n of [0, 1, 2]) await addChunk(501, n, new Blob([`chunk ${n}`]));
    api.getRecording.mockResolvedValue(serverRecording(501, { chunks: [0], next_chunk: 1 }));
    api.finishRecording.mockReturnValue(new Promise(() => undefined)); // the job is not followed here
    render(<VoiceRecorder onUploaded={vi.fn()} />);
    fireEvent.click(await screen.findByRole("button", { name: "Finish it" }, SLOW));
    await waitFor(() => expect(api.finishRecording).toHaveBeenCalledWith(501, 3), SLOW);
    expect(api.putChunk.mock.calls.map((call) => call[1])).toEqual([0, 1, 2]);
  });

  it("only on the server is offered in the box it was made in, and discarding removes it", async () => {
    api.openRecordings.mockResolvedValue([serverRecording(502), serverRecording(503, { parent_id: 7 })]);
    api.discardRecording.mockResolvedValue(undefined);
    render(<VoiceRecorder onUploaded={vi.fn()} />);
    expect(await screen.findAllByRole("button", { name: "Finish it" }, SLOW)).toHaveLength(1);
    fireEvent.click(screen.getByRole("button", { name: "Discard it" }));
    await waitFor(() => expect(screen.queryByText(/An unfinished recording/)).toBeNull(), SLOW);
    expect(api.discardRecording).toHaveBeenCalledWith(502);
  });

  it("that the server already made into an entry is forgotten here and not offered", async () => {
    await saveRecording({ id: 504, mimeType: "audio/webm", parentId: null, createdAt: Date.now(), stopped: true });
    await addChunk(504, 0, new Blob(["x"]));
    api.getRecording.mockResolvedValue(serverRecording(504, { status: "finished", node_id: 9 }));
    render(<VoiceRecorder onUploaded={vi.fn()} />);
    await waitFor(async () => expect((await localRecordings()).some((r) => r.id === 504)).toBe(false), SLOW);
    expect(await chunksOf(504)).toEqual([]);
    expect(screen.queryByRole("button", { name: "Finish it" })).toBeNull();
  });
});

/** A MediaRecorder that hands out the chunks a test gives it. */
class FakeRecorder {
  static latest: FakeRecorder | null = null;
  static isTypeSupported = (type: string) => type.startsWith("audio/webm");
  ondataavailable: ((e: { data: Blob }) => void) | null = null;
  onstop: (() => void) | null = null;
  state = "inactive";
  constructor(
    readonly stream: { getTracks: () => { stop: () => void }[] },
    readonly options?: { mimeType?: string },
  ) {
    FakeRecorder.latest = this;
  }
  get mimeType() {
    return this.options?.mimeType ?? "audio/webm";
  }
  start() {
    this.state = "recording";
  }
  emit(text: string) {
    this.ondataavailable?.({ data: new Blob([text]) });
  }
  stop() {
    this.state = "inactive";
    this.onstop?.();
  }
}

/** The fake microphone's one track: a test ends it as the system would. */
let track: EventTarget & { stop: () => void };

function fakeMicrophone() {
  vi.stubGlobal("MediaRecorder", FakeRecorder);
  track = Object.assign(new EventTarget(), { stop: () => undefined });
  Object.defineProperty(navigator, "mediaDevices", {
    configurable: true,
    value: { getUserMedia: async () => ({ getTracks: () => [track] }) },
  });
}

describe("continuing an unfinished recording", () => {
  beforeEach(fakeMicrophone);

  it("sends what the server lacks, then records new chunks after the last one, the first beginning a stream", async () => {
    await saveRecording({ id: 601, mimeType: "audio/webm", parentId: null, createdAt: Date.now(), stopped: false });
    for (const n of [0, 1, 2]) await addChunk(601, n, new Blob([`chunk ${n}`]));
    api.getRecording.mockResolvedValue(serverRecording(601, { chunks: [0, 1], next_chunk: 2 }));
    api.finishRecording.mockReturnValue(new Promise(() => undefined));
    render(<VoiceRecorder onUploaded={vi.fn()} />);
    fireEvent.click(await screen.findByRole("button", { name: "Continue recording" }, SLOW));
    const stop = await screen.findByRole("button", { name: /Stop/ }, SLOW);
    expect(FakeRecorder.latest?.mimeType).toBe("audio/webm"); // the recording's own type: one codec throughout
    FakeRecorder.latest?.emit("more 1");
    FakeRecorder.latest?.emit("more 2");
    await waitFor(() => expect(api.putChunk).toHaveBeenCalledTimes(5), SLOW);
    const sent = api.putChunk.mock.calls.map((call) => [call[1], call[3]]);
    expect(sent).toEqual([
      [0, false],
      [1, false],
      [2, false],
      [3, true],
      [4, false],
    ]);
    fireEvent.click(stop);
    await waitFor(() => expect(api.finishRecording).toHaveBeenCalledWith(601, 5), SLOW);
  });

  it("is refused when this browser cannot record the recording's type", async () => {
    const made = serverRecording(602, { mime_type: "audio/mp4" });
    api.openRecordings.mockResolvedValue([made]);
    api.getRecording.mockResolvedValue(made);
    render(<VoiceRecorder onUploaded={vi.fn()} />);
    fireEvent.click(await screen.findByRole("button", { name: "Continue recording" }, SLOW));
    expect(await screen.findByText(/made as audio\/mp4, which this browser cannot record/, {}, SLOW)).toBeTruthy();
    expect(api.putChunk).not.toHaveBeenCalled();
  });
});

describe("a phone's screen locking while recording", () => {
  beforeEach(fakeMicrophone);

  it("is held off while recording, and when the microphone is taken anyway what was captured is finished", async () => {
    const sentinel = { released: false, release: vi.fn(async () => void (sentinel.released = true)) };
    const request = vi.fn(async () => sentinel);
    Object.defineProperty(navigator, "wakeLock", { configurable: true, value: { request } });
    api.createRecording.mockResolvedValue(serverRecording(701));
    api.getRecording.mockResolvedValue(serverRecording(701, { chunks: [0], next_chunk: 1 }));
    api.finishRecording.mockReturnValue(new Promise(() => undefined));
    render(<VoiceRecorder onUploaded={vi.fn()} />);
    fireEvent.click(await screen.findByRole("button", { name: /Record/ }, SLOW));
    await screen.findByRole("button", { name: /Stop/ }, SLOW);
    await waitFor(() => expect(request).toHaveBeenCalledWith("screen"), SLOW);
    FakeRecorder.latest?.emit("said before the screen locked");
    await waitFor(() => expect(api.putChunk).toHaveBeenCalledTimes(1), SLOW);
    track.dispatchEvent(new Event("ended")); // the system took the microphone
    await waitFor(() => expect(api.finishRecording).toHaveBeenCalledWith(701, 1), SLOW);
    expect(sentinel.release).toHaveBeenCalled();
  });
});

describe("uploading an audio file", () => {
  it("sends it in slices kept here, and after a failure goes on with the slices the server lacks", async () => {
    api.createRecording.mockResolvedValue({
      ...serverRecording(801),
      limits: { chunk_bytes: 4, total_bytes: 100, seconds: 600 },
    });
    api.getRecording.mockResolvedValue(serverRecording(801, { chunks: [0, 1, 2], next_chunk: 3 }));
    api.finishRecording.mockReturnValue(new Promise(() => undefined));
    let failures = 1;
    api.putChunk.mockImplementation(async (_id: number, n: number) => {
      if (n === 1 && failures-- > 0) throw new ApiError(0, "Could not reach the server.", UNREACHABLE);
    });
    render(<VoiceRecorder onUploaded={vi.fn()} />);
    const file = new File(["0123456789"], "walk.m4a", { type: "" });
    fireEvent.change(await screen.findByLabelText("Upload an audio file", {}, SLOW), { target: { files: [file] } });
    await waitFor(() => expect(api.finishRecording).toHaveBeenCalledWith(801, 3), SLOW);
    expect(api.createRecording).toHaveBeenCalledWith(expect.objectContaining({ mime_type: "audio/mp4" }));
    // Slice 0 was sent once: after the failure the upload went on from slice 1, not from the start.
    expect(api.putChunk.mock.calls.map((call) => call[1])).toEqual([0, 1, 1, 2]);
  });

  it("that the server refuses as not audio is discarded, here and there, and not offered again", async () => {
    api.createRecording.mockResolvedValue({ ...serverRecording(803), limits: { chunk_bytes: 4, total_bytes: 100, seconds: 600 } });
    api.putChunk.mockRejectedValue(new ApiError(415, "This is not a recording: it does not start like one.", "unsupported_media"));
    api.discardRecording.mockResolvedValue(undefined);
    render(<VoiceRecorder onUploaded={vi.fn()} />);
    const file = new File(["<html>a web page</html>"], "song.mp3", { type: "audio/mpeg" });
    fireEvent.change(await screen.findByLabelText("Upload an audio file", {}, SLOW), { target: { files: [file] } });
    expect(await screen.findByText("Could not upload song.mp3: This is not a recording: it does not start like one.", {}, SLOW)).toBeTruthy();
    await waitFor(() => expect(api.discardRecording).toHaveBeenCalledWith(803), SLOW);
    await waitFor(async () => expect(await localRecordings()).toEqual([]), SLOW);
    expect(screen.queryByText(/An unfinished recording/)).toBeNull();
    expect(api.finishRecording).not.toHaveBeenCalled();
  });

  it("larger than a recording may be is refused at once, with the limit", async () => {
    api.createRecording.mockResolvedValue({
      ...serverRecording(802),
      limits: { chunk_bytes: 4, total_bytes: 5, seconds: 600 },
    });
    api.discardRecording.mockResolvedValue(undefined);
    render(<VoiceRecorder onUploaded={vi.fn()} />);
    const file = new File(["0123456789"], "long.mp3", { type: "audio/mpeg" });
    fireEvent.change(await screen.findByLabelText("Upload an audio file", {}, SLOW), { target: { files: [file] } });
    expect(await screen.findByText(/Could not upload long.mp3: .*at most 1 MB/, {}, SLOW)).toBeTruthy();
    expect(api.discardRecording).toHaveBeenCalledWith(802);
    expect(api.putChunk).not.toHaveBeenCalled();
  });
});

/** Web Audio as far as the level meter uses it: every frame reads samples of amplitude 0.1. */
class FakeAudioContext {
  static made: FakeAudioContext[] = [];
  listened: unknown = null;
  closed = false;
  constructor() {
    FakeAudioContext.made.push(this);
  }
  createAnalyser() {
    return { fftSize: 2048, getFloatTimeDomainData: (samples: Float32Array) => samples.fill(0.1) };
  }
  createMediaStreamSource(stream: unknown) {
    this.listened = stream;
    return { connect: () => undefined, disconnect: () => undefined };
  }
  async resume() {}
  async close() {
    this.closed = true;
  }
}

describe("the level meter", () => {
  let microphone: ReturnType<typeof vi.fn>;
  let cancelled: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    fakeMicrophone();
    microphone = vi.fn(async () => ({ getTracks: () => [track] }));
    Object.defineProperty(navigator, "mediaDevices", { configurable: true, value: { getUserMedia: microphone } });
    FakeAudioContext.made = [];
    vi.stubGlobal("AudioContext", FakeAudioContext);
    vi.stubGlobal("requestAnimationFrame", (step: FrameRequestCallback) => window.setTimeout(() => step(performance.now()), 16));
    cancelled = vi.fn((frame: number) => window.clearTimeout(frame));
    vi.stubGlobal("cancelAnimationFrame", cancelled);
    api.createRecording.mockResolvedValue(serverRecording(901));
    api.getRecording.mockResolvedValue(serverRecording(901, { chunks: [0], next_chunk: 1 }));
    api.finishRecording.mockReturnValue(new Promise(() => undefined));
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  const startRecording = async () => {
    const view = render(<VoiceRecorder onUploaded={vi.fn()} />);
    fireEvent.click(await screen.findByRole("button", { name: /Record/ }, SLOW));
    const stop = await screen.findByRole("button", { name: /Stop/ }, SLOW);
    const meter = await screen.findByRole("meter", { name: "Input level" }, SLOW);
    return { view, stop, meter };
  };

  it("shows the microphone's level while recording, from the stream being recorded, and stops with it", async () => {
    const { stop, meter } = await startRecording();
    expect(meter.getAttribute("aria-valuemin")).toBe("0");
    expect(meter.getAttribute("aria-valuemax")).toBe("100");
    await waitFor(() => expect(meter.getAttribute("aria-valuenow")).toBe("67"), SLOW); // RMS 0.1 is -20 dB
    expect(microphone).toHaveBeenCalledTimes(1); // the microphone is opened once
    const [context] = FakeAudioContext.made;
    expect(FakeAudioContext.made).toHaveLength(1);
    expect(context.listened).toBe(await microphone.mock.results[0].value);
    FakeRecorder.latest?.emit("a few words");
    fireEvent.click(stop);
    await waitFor(() => expect(screen.queryByRole("meter")).toBeNull(), SLOW);
    expect(context.closed).toBe(true);
    expect(cancelled).toHaveBeenCalled();
  });

  it("stops measuring when the recorder goes away mid-recording", async () => {
    const { view, meter } = await startRecording();
    await waitFor(() => expect(meter.getAttribute("aria-valuenow")).toBe("67"), SLOW);
    view.unmount();
    expect(FakeAudioContext.made.map((c) => c.closed)).toEqual([true]);
    expect(cancelled).toHaveBeenCalled();
  });
});
