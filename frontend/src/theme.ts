// The colour theme: the system's (light or dark, following it as it changes) unless the reader
// picks one. The choice is kept in this browser and applied as <html data-theme>, which
// styles.css reads.
export type Theme = "system" | "light" | "dark";

const KEY = "wop:theme";

export function storedTheme(): Theme {
  try {
    const value = window.localStorage.getItem(KEY);
    return value === "light" || value === "dark" ? value : "system";
  } catch {
    return "system";
  }
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
}
