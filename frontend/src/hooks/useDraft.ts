import { createContext, useCallback, useContext, useEffect, useState } from "react";

const PREFIX = "wop:draft:";

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
 * the caller does once the server has the text.
 */
export function useDraft(place: string, initial = ""): [string, (text: string) => void, () => void] {
  const owner = useContext(DraftOwner);
  const storageKey = owner === null ? null : `${PREFIX}${owner}:${place}`;
  const [text, setText] = useState(() => (storageKey && storage()?.getItem(storageKey)) ?? initial);

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
    setText("");
  }, [storageKey]);

  return [text, setText, clear];
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
