import { getConfig } from "../api/config";
import type { Privacy } from "../types";
import { sharedResource } from "./useShared";

/** The server's public settings (GET /api/config), fetched once per page load. */
export const useConfig = sharedResource(getConfig);

/** The privacy a new thread gets unless its writer chooses: the server's default; null until it
 * is known, and "private" (the safe choice) when the server cannot be asked. */
export function useDefaultPrivacy(): Privacy | null {
  const { data, error } = useConfig();
  return data?.default_privacy ?? (error ? "private" : null);
}
