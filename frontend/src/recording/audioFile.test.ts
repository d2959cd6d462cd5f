import { describe, expect, it } from "vitest";
import { refusal } from "./audioFile";

const file = (name: string, type: string, size = 10) => new File([new Uint8Array(size)], name, { type });

describe("refusal", () => {
  it("lets audio through, by extension or by type", () => {
    expect(refusal(file("walk.mp3", ""), 50)).toBeNull();
    expect(refusal(file("voice memo", "audio/x-m4a"), 50)).toBeNull();
    expect(refusal(file("Note.WAV", "audio/wav"), null)).toBeNull();
  });

  it("says plainly when a file is not audio", () => {
    expect(refusal(file("notes.txt", "text/plain"), 50)).toBe(
      "“notes.txt” is not an audio file. Choose a recording (MP3, M4A, WAV, OGG, Opus, WebM, AAC or FLAC).",
    );
    expect(refusal(file("photo.jpg", "image/jpeg"), 50)).toMatch(/not an audio file/);
  });

  it("says when a file is over the server's size limit", () => {
    expect(refusal(file("long.mp3", "audio/mpeg", 3 * 1024 * 1024), 2)).toBe(
      "“long.mp3” is 3 MB; recordings of up to 2 MB can be uploaded.",
    );
  });
});
