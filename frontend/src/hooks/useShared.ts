import { useEffect, useState } from "react";
import { messageOf } from "../api/client";

export interface Shared<T> {
  data: T | null;
  error: string | null;
}

/** A hook for an answer that does not change while the page is open (the model list, the site's
 * settings): asked for once, shared by every component that uses it. A failure is not kept, so
 * the next component to mount asks again. */
export function sharedResource<T>(load: () => Promise<T>): () => Shared<T> {
  let cached: Promise<T> | null = null;
  return function useShared() {
    const [state, setState] = useState<Shared<T>>({ data: null, error: null });
    useEffect(() => {
      let live = true;
      cached ??= load();
      cached.then(
        (data) => live && setState({ data, error: null }),
        (err) => {
          cached = null;
          if (live) setState({ data: null, error: messageOf(err) });
        },
      );
      return () => {
        live = false;
      };
    }, []);
    return state;
  };
}
