// The colour theme: the system's (light or dark, following it as it changes) unless the reader
// picks one. The choice is kept in this browser, so that it is applied as <html data-theme>
// (which styles.css reads) before the first paint, and with the account (its preferences), so
// that it follows the writer to every browser they log in to.
export type Theme = "system" | "light" | "dark";

const KEY = "wop:theme";
const listeners = new Set<() => void>();
let current: Theme | null = null;

export function storedTheme(): Theme {
  try {
    const value = window.localStorage.getItem(KEY);
    return value === "light" || value === "dark" ? value : "system";
  } catch {
    return "system";
  }
}

/** The theme shown now (what this browser keeps, or was last chosen in this page). */
export function currentTheme(): Theme {
  current ??= storedTheme();
  return current;
}

/** Calls `listener` whenever a theme is chosen; answers how to stop. */
export function subscribeTheme(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  if (theme === "system") delete root.dataset.theme;
  else root.dataset.theme = theme;
}

export function chooseTheme(theme: Theme): void {
  try {
    if (theme === "system") window.localStorage.removeItem(KEY);
    else window.localStorage.setItem(KEY, theme);
  } catch {
    // without storage the choice lasts until the page is loaded again
  }
  applyTheme(theme);
  current = theme;
  listeners.forEach((listener) => listener());
}
