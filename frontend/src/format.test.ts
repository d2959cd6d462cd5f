import { describe, expect, it } from "vitest";
import { formatDate, relativeDate } from "./format";

const NOW = Date.parse("2026-03-10T12:00:00Z");
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe("relativeDate", () => {
  it("says how long ago a recent moment was", () => {
    expect(relativeDate(ago(20_000), NOW)).toBe("just now");
    expect(relativeDate(ago(5 * 60_000), NOW)).toBe("5 min. ago");
    expect(relativeDate(ago(3 * 3_600_000), NOW)).toBe("3 hr. ago");
    expect(relativeDate(ago(26 * 3_600_000), NOW)).toBe("yesterday");
    expect(relativeDate(ago(4 * 86_400_000), NOW)).toBe("4 days ago");
  });

  it("gives the date of an older moment, and reads a time without a zone as UTC", () => {
    const old = "2026-01-02T10:00:00";
    expect(relativeDate(old, NOW)).toBe(formatDate(old));
    expect(relativeDate("2026-03-10T11:55:00", NOW)).toBe("5 min. ago");
  });
});
