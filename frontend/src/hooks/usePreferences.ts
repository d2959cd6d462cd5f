// The writer's own defaults (GET /api/me/preferences): asked for once per account and page load,
// shared, and replaced when the settings page saves new ones. The account is the one DraftOwner
// names, so another account logged in on the same page never gets these.
import { useContext, useEffect, useState } from "react";
import { getPreferences } from "../api/account";
import type { Preferences } from "../types";
import { DraftOwner } from "./useDraft";

const known = new Map<number, Promise<Preferences | null>>();

function load(owner: number): Promise<Preferences | null> {
  let answer = known.get(owner);
  if (!answer) {
    answer = getPreferences().catch(() => {
      known.delete(owner); // ask again next time; meanwhile the server's defaults stand
      return null;
    });
    known.set(owner, answer);
  }
  return answer;
}

/** `undefined` until known; `null` when there are none to use (no account, or the server could
 * not be asked). */
export function usePreferences(): Preferences | null | undefined {
  const owner = useContext(DraftOwner);
  const [prefs, setPrefs] = useState<{ owner: number; value: Preferences | null } | null>(null);
  useEffect(() => {
    if (owner === null) return;
    let live = true;
    void load(owner).then((value) => live && setPrefs({ owner, value }));
    return () => {
      live = false;
    };
  }, [owner]);
  if (owner === null) return null;
  return prefs?.owner === owner ? prefs.value : undefined;
}

/** What the settings page saved: the defaults from now on. */
export function rememberPreferences(owner: number, prefs: Preferences): void {
  known.set(owner, Promise.resolve(prefs));
}
