import { useContext, useEffect, useSyncExternalStore } from "react";
import { savePreferences } from "../api/account";
import { useAction } from "../hooks/useAction";
import { DraftOwner } from "../hooks/useDraft";
import { rememberPreferences, usePreferences } from "../hooks/usePreferences";
import { chooseTheme, currentTheme, subscribeTheme, type Theme } from "../theme";
import ErrorMessage from "./ErrorMessage";

const CHOICES: { value: Theme; label: string }[] = [
  { value: "system", label: "As the system" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

let lastSave: Promise<unknown> = Promise.resolve();

/** Saves choices one after another, so that the server ends with the last one made. */
function saveTheme(theme: Theme) {
  const next = lastSave.catch(() => undefined).then(() => savePreferences({ theme }));
  lastSave = next;
  return next;
}

/** Light, dark, or following the system: shown at once, kept in this browser and with the account. */
export default function ThemePicker() {
  const theme = useSyncExternalStore(subscribeTheme, currentTheme);
  const owner = useContext(DraftOwner);
  const { error, run } = useAction();
  const pick = (value: Theme) => {
    chooseTheme(value);
    void run(async () => {
      const now = await saveTheme(value);
      if (owner !== null) rememberPreferences(owner, now);
    });
  };
  return (
    <section className="card panel" aria-labelledby="theme-title">
      <h2 id="theme-title">Appearance</h2>
      <fieldset className="theme-choices">
        <legend>Theme (on every browser you log in to)</legend>
        {CHOICES.map((choice) => (
          <label key={choice.value} className="inline">
            <input type="radio" name="theme" value={choice.value} checked={theme === choice.value} onChange={() => pick(choice.value)} />
            {choice.label}
          </label>
        ))}
      </fieldset>
      <ErrorMessage message={error && `Kept in this browser only: ${error}`} />
    </section>
  );
}

/** Applies the theme the account keeps, once its preferences are known (none chosen: this
 *  browser's own stays). */
export function AccountTheme() {
  const chosen = usePreferences()?.theme;
  useEffect(() => {
    if (chosen) chooseTheme(chosen);
  }, [chosen]);
  return null;
}
