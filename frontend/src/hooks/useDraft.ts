import { createContext, useCallback, useContext, useEffect, useRef, useState } from "react";
import { deleteDraft, getDraft, saveDraft } from "../api/drafts";

const PREFIX = "wop:draft:";
/** How long typing must pause before the draft goes to the server. */
export const SERVER_DELAY_MS = 800;

/** The id of the person logged in: drafts are theirs alone, so another account on the same
 * browser never sees them. Without an owner, drafts live only in memory. */
export const DraftOwner = createContext<number | null>(null);

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/**
 * Text state that survives reloads and navigation: kept in localStorage under the owner's id and
 * `place` ("new", "reply:<id>", "edit:<id>"), when it differs from `initial`, until cleared, which
 * the caller does once the server has the text. It is also saved to the server (after a pause in
 * typing, and when the box goes away), so it follows the writer to another browser: a box that
 * opens empty here takes the server's draft.
 */
export function useDraft(place: string, initial = ""): [string, (text: string) => void, () => void] {
  const owner = useContext(DraftOwner);
  const storageKey = owner === null ? null : `${PREFIX}${owner}:${place}`;
  const [text, setText] = useState(() => (storageKey && storage()?.getItem(storageKey)) ?? initial);
  const serverCleared = useServerDraft(owner === null ? null : place, initial, text, setText);

  useEffect(() => {
    if (!storageKey) return;
    try {
      if (text && text !== initial) storage()?.setItem(storageKey, text);
      else storage()?.removeItem(storageKey);
    } catch {
      // storage full or disabled: the text still lives in the box
    }
  }, [storageKey, text, initial]);

  const clear = useCallback(() => {
    if (storageKey) storage()?.removeItem(storageKey);
    serverCleared();
    setText("");
  }, [storageKey, serverCleared]);

  return [text, setText, clear];
}

/** Every box's way to send what it has not sent yet, and the requests still on their way. */
const unsent = new Set<() => Promise<unknown>>();

/** Send every draft not yet on the server and wait for it: before logging out, after which the
 * server would refuse them. */
export function sendDrafts(): Promise<unknown> {
  return Promise.all([...unsent].map((send) => send()));
}

/** The server's copy of a draft. Requests go one after another, so a save still on its way never
 * lands after the delete that follows it. Failures are left alone: the local draft remains. */
function useServerDraft(place: string | null, initial: string, text: string, setText: (text: string) => void) {
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const sent = useRef<string | null>(null); // what the server holds, as far as this box knows
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pending = useRef<(() => void) | null>(null);
  const touched = useRef(false);

  const enqueue = useCallback((work: () => Promise<unknown>) => {
    queue.current = queue.current.then(work).catch(() => undefined);
  }, []);

  const flush = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const send = pending.current;
    pending.current = null;
    send?.();
  }, []);

  // Take the server's draft when this box opens with nothing of its own.
  useEffect(() => {
    if (!place) return;
    touched.current = false;
    let current = true;
    enqueue(() =>
      getDraft(place).then((draft) => {
        sent.current = draft.content;
        if (current && !touched.current && draft.content) setText(draft.content);
      }),
    );
    return () => {
      current = false;
    };
  }, [place, enqueue, setText]);

  useEffect(() => {
    if (!place || text === (sent.current ?? initial)) return;
    touched.current = true;
    const keep = text && text !== initial;
    pending.current = () => {
      sent.current = keep ? text : null;
      enqueue(() => (keep ? saveDraft(place, text) : deleteDraft(place)));
    };
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(flush, SERVER_DELAY_MS);
  }, [place, text, initial, enqueue, flush]);

  // A box that goes away (navigation, a closed tab) sends what it has not sent yet.
  useEffect(() => {
    const send = () => {
      flush();
      return queue.current;
    };
    unsent.add(send);
    window.addEventListener("pagehide", flush);
    return () => {
      unsent.delete(send);
      window.removeEventListener("pagehide", flush);
      flush();
    };
  }, [flush]);

  const cleared = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    pending.current = null;
    touched.current = true;
    sent.current = null;
    // Saving the entry drops its draft on the server already; a cancelled edit needs this.
    if (place) enqueue(() => deleteDraft(place));
  }, [place, enqueue]);

  return cleared;
}

/** Forget every draft of `owner` on this browser (at logout), and any draft saved before drafts
 * had an owner. */
export function clearDrafts(owner: number): void {
  const store = storage();
  if (!store) return;
  const mine = `${PREFIX}${owner}:`;
  const owned = new RegExp(`^${PREFIX}\\d+:`);
  const doomed: string[] = [];
  for (let i = 0; i < store.length; i++) {
    const key = store.key(i);
    if (key?.startsWith(PREFIX) && (key.startsWith(mine) || !owned.test(key))) doomed.push(key);
  }
  doomed.forEach((key) => store.removeItem(key));
}
