import { useState } from "react";
import { chooseTheme, storedTheme, type Theme } from "../theme";

const CHOICES: { value: Theme; label: string }[] = [
  { value: "system", label: "As the system" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

/** Light, dark, or following the system; kept in this browser. */
export default function ThemePicker() {
  const [theme, setTheme] = useState(storedTheme);
  const pick = (value: Theme) => {
    setTheme(value);
    chooseTheme(value);
  };
  return (
    <section className="card panel" aria-labelledby="theme-title">
      <h2 id="theme-title">Appearance</h2>
      <fieldset className="theme-choices">
        <legend>Theme (kept in this browser)</legend>
        {CHOICES.map((choice) => (
          <label key={choice.value} className="inline">
            <input type="radio" name="theme" value={choice.value} checked={theme === choice.value} onChange={() => pick(choice.value)} />
            {choice.label}
          </label>
        ))}
      </fieldset>
    </section>
  );
}
