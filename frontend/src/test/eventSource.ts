// A stand-in for the browser's EventSource, driven by the test: open it, send events, fail it.
export class FakeEventSource {
  readyState = 0; // CONNECTING
  closed = false;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  private readonly handlers = new Map<string, ((message: MessageEvent) => void)[]>();

  constructor(readonly lastId: string | null) {}

  addEventListener(type: string, handler: (message: MessageEvent) => void): void {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), handler]);
  }

  close(): void {
    this.closed = true;
    this.readyState = 2;
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }

  send(type: string, id: string, data: unknown): void {
    const message = new MessageEvent(type, { data: JSON.stringify(data), lastEventId: id });
    for (const handler of this.handlers.get(type) ?? []) handler(message);
  }

  /** The connection dropped; `closed`: the server refused it, so the browser gives up. */
  fail(closed = false): void {
    this.readyState = closed ? 2 : 0;
    this.onerror?.(new Event("error"));
  }
}

/** An `open` for EventStream that records every source it made. */
export function fakeSources(): { open: (lastId: string | null) => EventSource; made: FakeEventSource[] } {
  const made: FakeEventSource[] = [];
  const open = (lastId: string | null) => {
    const source = new FakeEventSource(lastId);
    made.push(source);
    return source as unknown as EventSource;
  };
  return { open, made };
}
