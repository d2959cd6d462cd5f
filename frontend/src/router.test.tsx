import { render, screen } from "@testing-library/react";
import { useEffect } from "react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { href, interceptLinks, navigate, parseRoute, redirectHashAddress, useRoute } from "./router";

describe("parseRoute", () => {
  it("reads every clean address of the app", () => {
    expect(parseRoute("/")).toEqual({ name: "dashboard" });
    expect(parseRoute("/feed")).toEqual({ name: "feed" });
    expect(parseRoute("/settings/")).toEqual({ name: "settings" });
    expect(parseRoute("/node/42")).toEqual({ name: "node", id: 42 });
    expect(parseRoute("/@alice")).toEqual({ name: "writer", username: "alice" });
    expect(parseRoute("/signup")).toEqual({ name: "signup" });
    expect(parseRoute("/login")).toEqual({ name: "login" });
    expect(parseRoute("/node/abc")).toEqual({ name: "missing", path: "/node/abc" });
    expect(parseRoute("/nowhere")).toEqual({ name: "missing", path: "/nowhere" });
  });

  it("makes addresses it reads back", () => {
    expect(parseRoute(href.node(7))).toEqual({ name: "node", id: 7 });
    expect(parseRoute(href.writer("a.b-c"))).toEqual({ name: "writer", username: "a.b-c" });
  });
});

describe("addresses", () => {
  let stop: () => void = () => undefined;
  beforeEach(() => {
    window.history.replaceState(null, "", "/");
    stop = interceptLinks();
  });
  afterEach(() => {
    stop();
    document.body.innerHTML = "";
  });

  it("rewrites an old hash address to its clean form", () => {
    window.history.replaceState(null, "", "/#/node/5");
    redirectHashAddress();
    expect(window.location.pathname).toBe("/node/5");
    expect(window.location.hash).toBe("");
  });

  it("keeps a query that comes before the old hash, or the hash's own", () => {
    window.history.replaceState(null, "", "/?events=off#/node/5");
    redirectHashAddress();
    expect(window.location.pathname + window.location.search + window.location.hash).toBe("/node/5?events=off");
    window.history.replaceState(null, "", "/?a=1#/feed?b=2");
    redirectHashAddress();
    expect(window.location.pathname + window.location.search).toBe("/feed?b=2");
  });

  it("leaves a link within the page alone", () => {
    window.history.replaceState(null, "", "/feed#main");
    redirectHashAddress();
    expect(window.location.pathname + window.location.hash).toBe("/feed#main");
  });

  it("navigates with a new history entry and tells the app", () => {
    let told = 0;
    const count = () => told++;
    window.addEventListener("wop:route", count);
    navigate("/settings");
    navigate("/settings"); // already there: nothing happens
    window.removeEventListener("wop:route", count);
    expect(window.location.pathname).toBe("/settings");
    expect(told).toBe(1);
  });

  it("follows a click on an app link in place, and leaves API links and new-tab clicks to the browser", () => {
    document.body.innerHTML = `<a id="app" href="/node/3">entry</a><a id="api" href="/api/media/x.mp3">audio</a>`;
    const app = new MouseEvent("click", { bubbles: true, cancelable: true, button: 0 });
    document.getElementById("app")!.dispatchEvent(app);
    expect(app.defaultPrevented).toBe(true);
    expect(window.location.pathname).toBe("/node/3");

    const api = new MouseEvent("click", { bubbles: true, cancelable: true, button: 0 });
    document.getElementById("api")!.dispatchEvent(api);
    expect(api.defaultPrevented).toBe(false);

    const newTab = new MouseEvent("click", { bubbles: true, cancelable: true, button: 0, ctrlKey: true });
    document.getElementById("app")!.dispatchEvent(newTab);
    expect(newTab.defaultPrevented).toBe(false);
  });
});

describe("useRoute", () => {
  const actEnvironment = (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT;
  beforeEach(() => {
    // The browser's own order of tasks is what is tested here, not React's test batching.
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;
    window.history.replaceState(null, "", "/node/2");
  });
  afterEach(() => {
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = actEnvironment;
  });

  const arrivals: number[] = [];
  function Entry({ id }: { id: number }) {
    useEffect(() => {
      arrivals.push(id); // where a page loads what it shows
    }, [id]);
    return <p>entry {id}</p>;
  }
  function Pages() {
    const route = useRoute();
    return route.name === "node" ? <Entry key={route.id} id={route.id} /> : null;
  }

  it("shows the new page before the browser's next task, so that Back right after a link shows the page left afresh", async () => {
    arrivals.length = 0;
    render(<Pages />);
    expect(await screen.findByText("entry 2")).toBeTruthy();

    navigate("/node/1");
    await Promise.resolve(); // the rest of the link's task; the browser's Back comes as a task of its own
    expect(screen.getByText("entry 1")).toBeTruthy();

    window.history.pushState(null, "", "/node/2"); // Back, as the browser reports it
    window.dispatchEvent(new PopStateEvent("popstate"));
    expect(await screen.findByText("entry 2")).toBeTruthy();
    await Promise.resolve();
    expect(arrivals).toEqual([2, 1, 2]);
  });
});
