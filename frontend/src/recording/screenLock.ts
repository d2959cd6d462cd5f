// Keeps the screen on while recording, where the browser allows it (the Screen Wake Lock API): on a
// phone, a locked screen may take the microphone away. The browser lets the lock go whenever the
// page is hidden, so it is asked for again each time the page is shown. Where there is no lock,
// or it is refused, recording goes on; if the microphone is then taken, the recorder finishes
// what it captured (useChunkedRecorder).

interface Places {
  navigator: Pick<Navigator, "wakeLock"> | Partial<Pick<Navigator, "wakeLock">>;
  document: Pick<Document, "visibilityState" | "addEventListener" | "removeEventListener">;
}

export class ScreenKeeper {
  private sentinel: WakeLockSentinel | null = null;
  private wanted = false;

  constructor(private readonly places: Places = { navigator, document }) {}

  /** Keep the screen on until `release`, asking again whenever the page is shown. */
  async hold(): Promise<void> {
    if (this.wanted) return;
    this.wanted = true;
    this.places.document.addEventListener("visibilitychange", this.shown);
    await this.acquire();
  }

  async release(): Promise<void> {
    this.wanted = false;
    this.places.document.removeEventListener("visibilitychange", this.shown);
    const sentinel = this.sentinel;
    this.sentinel = null;
    if (sentinel && !sentinel.released) await sentinel.release().catch(() => undefined);
  }

  private readonly shown = () => {
    if (this.places.document.visibilityState === "visible" && this.wanted && (!this.sentinel || this.sentinel.released)) {
      void this.acquire();
    }
  };

  private async acquire(): Promise<void> {
    const wakeLock = this.places.navigator.wakeLock;
    if (!wakeLock) return;
    try {
      const sentinel = await wakeLock.request("screen");
      if (this.wanted) this.sentinel = sentinel;
      else await sentinel.release(); // released while it was being asked for
    } catch {
      // Refused (a hidden page, a saving-power mode): recording goes on without it.
    }
  }
}
