import { describe, expect, it } from "vitest";
import { ScreenKeeper } from "./screenLock";

/** A page whose visibility a test sets, and a wake lock that records what it was asked. */
function fakePage() {
  const listeners = new Set<() => void>();
  const sentinels: { released: boolean; release: () => Promise<void> }[] = [];
  const page = {
    requests: 0,
    sentinels,
    visibilityState: "visible" as DocumentVisibilityState,
    navigator: {
      wakeLock: {
        request: async (type: string) => {
          expect(type).toBe("screen");
          page.requests += 1;
          const sentinel = {
            released: false,
            release: async () => {
              sentinel.released = true;
            },
          };
          sentinels.push(sentinel);
          return sentinel as unknown as WakeLockSentinel;
        },
      } as unknown as WakeLock,
    },
    document: {
      get visibilityState() {
        return page.visibilityState;
      },
      addEventListener: (_: string, fn: () => void) => void listeners.add(fn),
      removeEventListener: (_: string, fn: () => void) => void listeners.delete(fn),
    } as unknown as Document,
    /** The browser hides the page (letting the lock go), then shows it again. */
    async hideAndShow() {
      page.visibilityState = "hidden";
      sentinels.forEach((s) => (s.released = true));
      listeners.forEach((fn) => fn());
      page.visibilityState = "visible";
      listeners.forEach((fn) => fn());
      await Promise.resolve();
    },
  };
  return page;
}

describe("keeping the screen on while recording", () => {
  it("asks for the lock, asks again when the page is shown after the browser let it go, and lets it go at the end", async () => {
    const page = fakePage();
    const keeper = new ScreenKeeper(page);
    await keeper.hold();
    expect(page.requests).toBe(1);
    await page.hideAndShow();
    expect(page.requests).toBe(2);
    await keeper.release();
    expect(page.sentinels.every((s) => s.released)).toBe(true);
    await page.hideAndShow();
    expect(page.requests).toBe(2); // not recording any more: the screen may sleep
  });

  it("goes on without a lock where the browser has none or refuses it", async () => {
    await expect(
      new ScreenKeeper({ navigator: {}, document: fakePage().document }).hold(),
    ).resolves.toBeUndefined();
    const refusing = fakePage();
    refusing.navigator.wakeLock.request = async () => {
      throw new DOMException("not allowed", "NotAllowedError");
    };
    await expect(new ScreenKeeper(refusing).hold()).resolves.toBeUndefined();
  });
});
