// A tiny hash router: #/ (dashboard), #/feed, #/node/<id>, #/profile, #/settings, #/admin.
import { useEffect, useState } from "react";

export type Route =
  | { name: "dashboard" }
  | { name: "feed" }
  | { name: "node"; id: number }
  | { name: "profile" }
  | { name: "settings" }
  | { name: "admin" }
  | { name: "missing"; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "") || "/";
  if (path === "/" || path === "/dashboard") return { name: "dashboard" };
  if (path === "/feed") return { name: "feed" };
  if (path === "/profile") return { name: "profile" };
  if (path === "/settings") return { name: "settings" };
  if (path === "/admin") return { name: "admin" };
  const node = path.match(/^\/node\/(\d+)$/);
  if (node) return { name: "node", id: Number(node[1]) };
  return { name: "missing", path };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => {
      setRoute(parseRoute(window.location.hash));
      window.scrollTo(0, 0);
    };
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}

export function navigate(path: string): void {
  window.location.hash = path;
}

export const href = {
  dashboard: "#/",
  feed: "#/feed",
  profile: "#/profile",
  settings: "#/settings",
  admin: "#/admin",
  node: (id: number) => `#/node/${id}`,
};
