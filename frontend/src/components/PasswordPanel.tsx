// Changing one's password: every other session ends and every API token is revoked with it.
import { useState } from "react";
import { changePassword } from "../api/account";
import { useAction } from "../hooks/useAction";
import ErrorMessage from "./ErrorMessage";
import Notice from "./Notice";

export const MIN_PASSWORD = 8;

export default function PasswordPanel({ onChanged }: { onChanged?: () => void }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [done, setDone] = useState(false);
  const { busy, error, setError, run } = useAction();
  const tooShort = next.length > 0 && next.length < MIN_PASSWORD;

  const submit = () =>
    run(async () => {
      await changePassword(current, next);
      setCurrent("");
      setNext("");
      setDone(true);
      onChanged?.();
    });

  return (
    <section className="card panel" aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <p className="muted">Changing it logs out every other browser and revokes every API token; this one stays logged in.</p>
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          setDone(false);
          if (tooShort) setError(`Use at least ${MIN_PASSWORD} characters.`);
          else void submit();
        }}
      >
        <label>
          Current password
          <input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />
        </label>
        <label>
          New password
          <input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required />
        </label>
        {tooShort && <p className="muted">Use at least {MIN_PASSWORD} characters.</p>}
        <div className="row">
          <button type="submit" disabled={busy || !current || !next}>
            {busy ? "Changing…" : "Change password"}
          </button>
        </div>
      </form>
      <ErrorMessage message={error} />
      <Notice>{done && "Password changed. Every other session has ended and your API tokens are revoked."}</Notice>
    </section>
  );
}
