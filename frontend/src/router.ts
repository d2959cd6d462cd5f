// Clean addresses through the History API: / (the journal), /feed, /node/<id>, /@<name> (a writer's
// public threads), /profile, /settings, /admin, /signup, /login. The server answers each of them
// with the app (wop/frontend.py). Addresses of the older hash form (/#/node/5) are rewritten to
// the clean one, so links and bookmarks made before keep working.
import { useMemo, useSyncExternalStore } from "react";

export type Route =
  | { name: "dashboard" }
  | { name: "feed" }
  | { name: "node"; id: number }
  | { name: "writer"; username: string }
  | { name: "profile" }
  | { name: "settings" }
  | { name: "admin" }
  | { name: "signup" }
  | { name: "login" }
  | { name: "missing"; path: string };

const NAMED: Record<string, Route> = {
  "/": { name: "dashboard" },
  "/dashboard": { name: "dashboard" },
  "/feed": { name: "feed" },
  "/profile": { name: "profile" },
  "/settings": { name: "settings" },
  "/admin": { name: "admin" },
  "/signup": { name: "signup" },
  "/login": { name: "login" },
};

export function parseRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname || "/";
  if (NAMED[path]) return NAMED[path];
  const node = path.match(/^\/node\/(\d+)$/);
  if (node) return { name: "node", id: Number(node[1]) };
  const writer = path.match(/^\/@([^/]+)$/);
  if (writer) return { name: "writer", username: decodeURIComponent(writer[1]) };
  return { name: "missing", path };
}

/** Paths the app itself shows; anything else (the API, audio, downloads) is left to the browser. */
function isAppPath(pathname: string): boolean {
  return !/^\/(api|auth|assets)(\/|$)/.test(pathname);
}

const CHANGE = "wop:route";

/**
 * Rewrites an address of the older hash form (/#/node/5) to its clean form, in place. A query
 * before the hash (/?events=off#/node/5) is kept, unless the hash has one of its own.
 */
export function redirectHashAddress(): void {
  const { hash, search, origin } = window.location;
  if (!hash.startsWith("#/")) return;
  const clean = new URL(hash.slice(1), origin);
  if (!clean.search) clean.search = search;
  window.history.replaceState(null, "", clean.pathname + clean.search + clean.hash);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener(CHANGE, onChange);
  window.addEventListener("popstate", onChange);
  window.addEventListener("hashchange", onChange); // an old /#/x address typed into the bar
  return () => {
    window.removeEventListener(CHANGE, onChange);
    window.removeEventListener("popstate", onChange);
    window.removeEventListener("hashchange", onChange);
  };
}

function currentPath(): string {
  redirectHashAddress();
  return window.location.pathname;
}

/**
 * The route of the address shown. It follows the address as an external store, which React draws
 * before the browser's next task: a route kept in state would be drawn a task later, and a Back in
 * between would fold the link and the Back into one render that never left the page, so the page
 * would not load again (an entry deleted meanwhile would still show its text).
 */
export function useRoute(): Route {
  const path = useSyncExternalStore(subscribe, currentPath);
  return useMemo(() => parseRoute(path), [path]);
}

export interface NavigateOptions {
  replace?: boolean;
  /** A selector of what takes keyboard focus on the new page instead of its main heading. */
  focus?: string;
}

/** Shows another page of the app: a new history entry, or the current one replaced. */
export function navigate(path: string, { replace = false, focus }: NavigateOptions = {}): void {
  const url = new URL(path, window.location.href);
  const state = focus ? { focus } : null;
  if (url.pathname + url.search + url.hash === window.location.pathname + window.location.search + window.location.hash) {
    if (focus) document.querySelector<HTMLElement>(focus)?.focus();
    return;
  }
  if (replace) window.history.replaceState(state, "", url);
  else window.history.pushState(state, "", url);
  window.scrollTo(0, 0);
  window.dispatchEvent(new Event(CHANGE));
}

/**
 * Follows clicks on links to the app's own pages without loading the page again. A click with a
 * modifier (new tab or window), on a link that opens elsewhere or downloads, is the browser's.
 */
export function interceptLinks(root: Document = document): () => void {
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element | null)?.closest?.("a[href]");
    if (!(link instanceof HTMLAnchorElement)) return;
    if ((link.target && link.target !== "_self") || link.hasAttribute("download")) return;
    const url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin || !isAppPath(url.pathname)) return;
    if (url.pathname === window.location.pathname && url.hash && !url.hash.startsWith("#/")) return; // a link within the page
    event.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  };
  root.addEventListener("click", onClick);
  return () => root.removeEventListener("click", onClick);
}

export const href = {
  dashboard: "/",
  feed: "/feed",
  profile: "/profile",
  settings: "/settings",
  admin: "/admin",
  signup: "/signup",
  login: "/login",
  node: (id: number) => `/node/${id}`,
  writer: (username: string) => `/@${encodeURIComponent(username)}`,
};
