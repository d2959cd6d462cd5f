import { useCallback, useEffect, useState } from "react";

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/**
 * Text state that survives reloads and navigation: kept in localStorage (when it differs from
 * `initial`) until cleared, which the caller does once the server has the text.
 */
export function useDraft(key: string, initial = ""): [string, (text: string) => void, () => void] {
  const storageKey = `wop:draft:${key}`;
  const [text, setText] = useState(() => storage()?.getItem(storageKey) ?? initial);

  useEffect(() => {
    try {
      if (text && text !== initial) storage()?.setItem(storageKey, text);
      else storage()?.removeItem(storageKey);
    } catch {
      // storage full or disabled: the text still lives in the box
    }
  }, [storageKey, text, initial]);

  const clear = useCallback(() => {
    storage()?.removeItem(storageKey);
    setText("");
  }, [storageKey]);

  return [text, setText, clear];
}
