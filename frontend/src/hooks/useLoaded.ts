import { useCallback, useEffect, useState } from "react";
import { messageOf } from "../api/client";

/** Something loaded once and again on demand (`reload`), with its error. `load` must keep its
 * identity between renders (a module-level function or a useCallback), or it loads every render. */
export function useLoaded<T>(load: () => Promise<T>) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(
    () =>
      load().then(
        (value) => {
          setData(value);
          setError(null);
        },
        (err) => setError(messageOf(err)),
      ),
    [load],
  );
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, reload };
}
