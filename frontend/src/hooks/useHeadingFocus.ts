import { useEffect, useRef } from "react";

/** How long a page may take to show its heading (an entry still loading) before focus stays put. */
const PATIENCE_MS = 3000;

/** Moves keyboard focus to the main heading, made focusable (tabIndex -1) for it, or to what the
 * navigation asked for (`navigate(path, {focus})`); false when it is not shown yet. */
export function focusMainHeading(selector = "main h1"): boolean {
  const heading = document.querySelector<HTMLElement>(selector);
  if (!heading) return false;
  if (!heading.hasAttribute("tabindex")) heading.tabIndex = -1;
  heading.focus({ preventScroll: true });
  return true;
}

/**
 * After each navigation (not the first page shown), focus moves to the new page's main heading,
 * so a screen reader announces the page and Tab starts from its top, as with a page load. A page
 * whose heading comes after a request is waited for, unless the reader moves focus first.
 */
export function useHeadingFocus(key: string): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const startedOn = document.activeElement;
    const asked = (window.history.state as { focus?: string } | null)?.focus;
    const until = Date.now() + PATIENCE_MS;
    let frame = 0;
    const attempt = () => {
      const moved = document.activeElement !== startedOn && document.activeElement !== document.body;
      if (moved || focusMainHeading(asked ?? "main h1") || Date.now() > until) return;
      frame = window.requestAnimationFrame(attempt);
    };
    frame = window.requestAnimationFrame(attempt);
    return () => window.cancelAnimationFrame(frame);
  }, [key]);
}
