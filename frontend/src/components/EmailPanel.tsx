// One's e-mail address: see it, change it, or remove it. A refused address is explained next to
// the field in plain words, not in the validator's.
import { useState } from "react";
import { changeEmail } from "../api/account";
import { ApiError, messageOf } from "../api/client";
import type { User } from "../types";
import ErrorMessage from "./ErrorMessage";
import Notice from "./Notice";

export const BAD_EMAIL = "Enter an e-mail address like name@example.com";

interface Props {
  current: string | null;
  /** The account as the server now has it. */
  onChanged?: (user: User) => void;
}

export default function EmailPanel({ current, onChanged }: Props) {
  const [saved, setSaved] = useState(current);
  const [address, setAddress] = useState(current ?? "");
  const [busy, setBusy] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const save = async (email: string) => {
    setBusy(true);
    setFieldError(null);
    setError(null);
    setDone(null);
    try {
      const user = await changeEmail(email);
      const now = user.email ?? null;
      setSaved(now);
      setAddress(now ?? "");
      setDone(now ? "E-mail address saved." : "E-mail address removed.");
      onChanged?.(user);
    } catch (err) {
      if (err instanceof ApiError && err.fields?.email) setFieldError(BAD_EMAIL);
      else setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const typed = address.trim();
  return (
    <section className="card panel" aria-labelledby="email-title">
      <h2 id="email-title">E-mail</h2>
      <p className="muted">
        {saved ? (
          <>
            Your address is <strong>{saved}</strong>.
          </>
        ) : (
          "You have no e-mail address here."
        )}
      </p>
      <form
        className="stack"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save(typed);
        }}
      >
        <div className="field">
          <label htmlFor="settings-email">E-mail address</label>
          <input
            id="settings-email"
            type="email"
            autoComplete="email"
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            aria-invalid={fieldError ? true : undefined}
            aria-describedby={fieldError ? "settings-email-error" : undefined}
          />
          {fieldError && (
            <p className="field-error" id="settings-email-error">
              {fieldError}
            </p>
          )}
        </div>
        <div className="row">
          <button type="submit" disabled={busy || !typed || typed === saved}>
            {busy ? "Saving…" : "Save e-mail address"}
          </button>
          {saved && (
            <button type="button" className="secondary" disabled={busy} onClick={() => void save("")}>
              Remove e-mail address
            </button>
          )}
        </div>
      </form>
      <ErrorMessage message={error} />
      <Notice>{done}</Notice>
    </section>
  );
}
