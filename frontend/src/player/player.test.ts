import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AudioPlayer, type Track } from "./player";

const track: Track = { id: "node:1", src: "/api/media/one.webm", title: "Recording by ann", label: "Original recording", seconds: 12 };

class FakeMetadata {
  constructor(readonly init: MediaMetadataInit) {}
}

function session() {
  const handlers = new Map<string, MediaSessionActionHandler | null>();
  const fake = {
    metadata: null as FakeMetadata | null,
    playbackState: "none",
    setActionHandler: (action: string, handler: MediaSessionActionHandler | null) => handlers.set(action, handler),
    setPositionState: vi.fn(),
  };
  Object.defineProperty(navigator, "mediaSession", { value: fake, configurable: true });
  vi.stubGlobal("MediaMetadata", FakeMetadata);
  return { fake, handlers };
}

function audio() {
  const el = document.createElement("audio");
  let paused = true;
  Object.defineProperty(el, "paused", { get: () => paused });
  el.play = vi.fn(async () => {
    paused = false;
    el.dispatchEvent(new Event("play"));
  });
  el.pause = vi.fn(() => {
    paused = true;
    el.dispatchEvent(new Event("pause"));
  });
  return el;
}

describe("AudioPlayer", () => {
  let media: ReturnType<typeof session>;
  beforeEach(() => {
    media = session();
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("loads a track, plays it and tells its listeners", async () => {
    const player = new AudioPlayer();
    const el = audio();
    player.attach(el);
    const heard = vi.fn();
    player.subscribe(heard);

    player.load(track);
    await Promise.resolve();

    expect(el.getAttribute("src")).toBe(track.src);
    expect(el.play).toHaveBeenCalled();
    expect(player.state.track).toEqual(track);
    expect(player.state.playing).toBe(true);
    expect(player.state.duration).toBe(12); // the server's measure until the file says
    expect(player.idle).toBe(false);
    expect(heard).toHaveBeenCalled();
  });

  it("cues a track without playing it, from a point when asked", () => {
    const player = new AudioPlayer();
    const el = audio();
    player.attach(el);
    player.load(track, { play: false, at: 3.5 });
    expect(el.getAttribute("src")).toBe(`${track.src}#t=3.50`);
    expect(el.play).not.toHaveBeenCalled();
    expect(player.state.playing).toBe(false);
    expect(player.idle).toBe(true);
  });

  it("keeps the file when the same one is loaded again", () => {
    const player = new AudioPlayer();
    const el = audio();
    player.attach(el);
    player.load(track, { play: false });
    el.currentTime = 4;
    player.load({ ...track, title: "Again" });
    expect(el.currentTime).toBe(4);
    expect(player.state.track?.title).toBe("Again");
  });

  it("seeks within the duration", () => {
    const player = new AudioPlayer();
    const el = audio();
    player.attach(el);
    player.load(track, { play: false });
    player.seek(5);
    expect(el.currentTime).toBe(5);
    expect(player.state.currentTime).toBe(5);
    player.seek(-3);
    expect(player.state.currentTime).toBe(0);
    player.seek(99);
    expect(player.state.currentTime).toBe(12);
  });

  it("changes speed between 0.75x and 2x, keeps it for the next file and the next page", () => {
    const player = new AudioPlayer();
    const el = audio();
    player.attach(el);
    player.load(track, { play: false });
    player.setRate(1.5);
    expect(el.playbackRate).toBe(1.5);
    expect(player.state.rate).toBe(1.5);
    player.setRate(3); // not offered
    expect(player.state.rate).toBe(1.5);

    player.load({ ...track, id: "node:2", src: "/api/media/two.webm" }, { play: false });
    expect(el.playbackRate).toBe(1.5);
    expect(new AudioPlayer().state.rate).toBe(1.5);
  });

  it("follows the element's events: pause, time, duration", async () => {
    const player = new AudioPlayer();
    const el = audio();
    player.attach(el);
    player.load(track);
    await Promise.resolve();
    el.pause();
    expect(player.state.playing).toBe(false);
    Object.defineProperty(el, "duration", { value: 14.25, configurable: true });
    el.currentTime = 2;
    el.dispatchEvent(new Event("timeupdate"));
    expect(player.state.currentTime).toBe(2);
    expect(player.state.duration).toBe(14.25);
  });

  it("shows an error when the audio cannot be played", () => {
    const player = new AudioPlayer();
    const el = audio();
    player.attach(el);
    player.load(track, { play: false });
    el.dispatchEvent(new Event("error"));
    expect(player.state.error).toMatch(/could not be played/);
  });

  it("describes the track to the media session and answers its controls", async () => {
    const player = new AudioPlayer();
    const el = audio();
    player.attach(el);
    player.load(track, { play: false });
    expect((media.fake.metadata as FakeMetadata).init).toMatchObject({ title: "Recording by ann" });

    media.handlers.get("play")!({ action: "play" });
    await Promise.resolve();
    expect(player.state.playing).toBe(true);
    media.handlers.get("seekto")!({ action: "seekto", seekTime: 7 });
    expect(player.state.currentTime).toBe(7);
    media.handlers.get("seekbackward")!({ action: "seekbackward" });
    expect(player.state.currentTime).toBe(0);
    media.handlers.get("pause")!({ action: "pause" });
    expect(player.state.playing).toBe(false);
    expect(media.fake.playbackState).toBe("paused");
  });

  it("closes: nothing loaded, nothing described", () => {
    const player = new AudioPlayer();
    const el = audio();
    player.attach(el);
    player.load(track, { play: false });
    player.close();
    expect(player.state.track).toBeNull();
    expect(el.hasAttribute("src")).toBe(false);
    expect(media.fake.metadata).toBeNull();
  });
});
