// Job cards a person has dismissed (a finished or failed job they have seen), kept in localStorage
// so they stay away after a reload, and shared by every display: the jobs menu and the cards on
// pages hide the same jobs at once.
import { useSyncExternalStore } from "react";

const KEY = "wop:dismissed-jobs";
const KEPT = 200; // the newest dismissals are enough: old jobs are no longer offered anywhere

const listeners = new Set<() => void>();
let cache: string[] | null = null;

function read(): string[] {
  if (cache) return cache;
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(KEY) ?? "[]");
    cache = Array.isArray(stored) ? stored.filter((id): id is string => typeof id === "string") : [];
  } catch {
    cache = [];
  }
  return cache;
}

export function isDismissed(taskId: string): boolean {
  return read().includes(taskId);
}

export function dismissJob(taskId: string): void {
  if (isDismissed(taskId)) return;
  cache = [...read(), taskId].slice(-KEPT);
  localStorage.setItem(KEY, JSON.stringify(cache));
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab dismissed one.
  const storage = (event: StorageEvent) => {
    if (event.key !== KEY) return;
    cache = null;
    listener();
  };
  window.addEventListener("storage", storage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", storage);
  };
}

/** The dismissed task ids, kept current. */
export function useDismissed(): readonly string[] {
  return useSyncExternalStore(subscribe, read);
}

/** For tests: forget what was read, as a new page load would. */
export function forgetDismissedCache(): void {
  cache = null;
}
