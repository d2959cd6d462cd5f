// The defaults new entries and AI requests use: model, privacy, and keeping entries away from AI.
import { useContext, useEffect, useState, type FormEvent } from "react";
import { messageOf } from "../api/client";
import { getPreferences, savePreferences } from "../api/account";
import { useAction } from "../hooks/useAction";
import { DraftOwner } from "../hooks/useDraft";
import { useModels } from "../hooks/useModels";
import { rememberPreferences } from "../hooks/usePreferences";
import type { Preferences, Privacy } from "../types";
import ErrorMessage from "./ErrorMessage";

export default function PreferencesPanel() {
  const { data: catalog } = useModels();
  const owner = useContext(DraftOwner);
  const [prefs, setPrefs] = useState<Preferences | null>(null);
  const [saved, setSaved] = useState(false);
  const { busy, error, setError, run } = useAction();

  useEffect(() => {
    getPreferences().then(setPrefs, (err) => setError(messageOf(err)));
  }, [setError]);

  const change = (update: Partial<Preferences>) => {
    setSaved(false);
    setPrefs((p) => (p ? { ...p, ...update } : p));
  };

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (!prefs) return;
    void run(async () => {
      // Only this form's fields: the theme is saved by its own picker.
      const { default_model, default_privacy, default_ai_excluded } = prefs;
      const now = await savePreferences({ default_model, default_privacy, default_ai_excluded });
      setPrefs(now);
      if (owner !== null) rememberPreferences(owner, now); // new entries start from these
      setSaved(true);
    });
  };

  return (
    <section className="card panel" aria-labelledby="preferences-title">
      <h2 id="preferences-title">Defaults</h2>
      {prefs ? (
        <form className="stack" onSubmit={save}>
          <label>
            Default model
            <select name="default_model" value={prefs.default_model ?? ""} onChange={(e) => change({ default_model: e.target.value || null })}>
              <option value="">The server's default{catalog?.default ? ` (${catalog.default})` : ""}</option>
              {catalog?.models
                .filter((m) => m.usable || m.id === prefs.default_model)
                .map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.display_name}
                  </option>
                ))}
            </select>
          </label>
          <label>
            New threads are visible to
            <select
              name="default_privacy"
              value={prefs.default_privacy ?? ""}
              onChange={(e) => change({ default_privacy: (e.target.value || null) as Privacy | null })}
            >
              <option value="">The server's default</option>
              <option value="private">only me</option>
              <option value="public">everyone</option>
            </select>
          </label>
          <label className="inline">
            <input
              type="checkbox"
              name="default_ai_excluded"
              checked={prefs.default_ai_excluded ?? false}
              onChange={(e) => change({ default_ai_excluded: e.target.checked })}
            />
            Keep my new entries away from AI
          </label>
          <div className="row">
            <button type="submit" disabled={busy}>
              {busy ? "Saving…" : "Save defaults"}
            </button>
            {saved && (
              <span className="muted" role="status">
                Saved.
              </span>
            )}
          </div>
        </form>
      ) : (
        !error && <p className="muted">Loading…</p>
      )}
      <ErrorMessage message={error} />
    </section>
  );
}
