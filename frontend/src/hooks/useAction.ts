import { useCallback, useState } from "react";
import { messageOf } from "../api/client";

/** One request behind a button: `busy` while it runs, and the API's message in `error` if it fails
 * (whatever the person typed stays where it is). */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
