// The first screen: a stranger finds what Write or Perish is and a sign-up form; someone who has
// logged in on this browser before finds the login form. Each leads to the other. The typed name
// and password stay in the form when the server says no, and a field the server refuses says why
// next to it.
import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { login, signup } from "../api/auth";
import { ApiError, messageOf } from "../api/client";
import { useConfig } from "../hooks/useConfig";
import { navigate, type Route } from "../router";
import type { User } from "../types";
import ErrorMessage from "./ErrorMessage";

interface Props {
  /** The address shown: /signup and /login open that form. */
  route: Route;
  onLoggedIn: (user: User) => void;
}

type Mode = "login" | "signup";

const RETURNING = "wop:returning";

function modeOf(route: Route): Mode | null {
  return route.name === "login" || route.name === "signup" ? route.name : null;
}

function returning(): boolean {
  try {
    return window.localStorage.getItem(RETURNING) === "1";
  } catch {
    return false;
  }
}

function remember(): void {
  try {
    window.localStorage.setItem(RETURNING, "1");
  } catch {
    // without storage a returning writer starts at sign-up, one click from logging in
  }
}

/** A labelled input with the server's complaint about it, if any, right under it. */
function Field({ label, name, error, children }: { label: ReactNode; name: string; error?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={`auth-${name}`}>{label}</label>
      {children}
      {error && (
        <p className="field-error" id={`auth-${name}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

export default function AuthScreen({ route, onLoggedIn }: Props) {
  const [mode, setMode] = useState<Mode>(() => modeOf(route) ?? (returning() ? "login" : "signup"));
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [email, setEmail] = useState("");
  const [acceptTerms, setAcceptTerms] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const termsRequired = useConfig().data?.terms_required ?? false;
  const signingUp = mode === "signup";

  const asked = modeOf(route);
  useEffect(() => {
    if (asked) switchTo(asked);
  }, [asked]);

  const switchTo = (next: Mode) => {
    setMode(next);
    setError(null);
    setFields({});
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const user = signingUp
        ? await signup({ username, password, email: email || undefined, accept_terms: termsRequired ? acceptTerms : undefined })
        : await login({ username, password });
      remember();
      if (modeOf(route)) navigate("/", { replace: true });
      onLoggedIn(user);
    } catch (err) {
      const named = err instanceof ApiError && err.fields ? err.fields : {};
      setFields(named);
      // Problems shown next to their fields need no summary; anything else is said above the button.
      if (Object.keys(named).length === 0) setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const input = (name: string) => ({
    id: `auth-${name}`,
    name,
    "aria-invalid": fields[name] ? true : undefined,
    "aria-describedby": fields[name] ? `auth-${name}-error` : undefined,
  });

  return (
    <main className="auth">
      <header className="auth-brand">
        <h1>Write or Perish</h1>
        <p className="tagline">A journal that writes back.</p>
      </header>
      {signingUp && (
        <section className="auth-intro" aria-label="What Write or Perish is">
          <p>
            Write your journal one entry at a time, and when you want another voice, ask an AI model to reply. Threads grow into
            conversations you can branch, read aloud, or dictate.
          </p>
          <p>
            Your entries are private unless you choose otherwise, you can keep any of them away from AI, and you can export
            everything you wrote.
          </p>
        </section>
      )}
      <div className="card auth-card">
        <h2>{signingUp ? "Create your account" : "Log in"}</h2>
        <form onSubmit={submit} className="stack" noValidate>
          <Field label="Username" name="username" error={fields.username}>
            <input {...input("username")} autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
          </Field>
          <Field label="Password" name="password" error={fields.password}>
            <input
              {...input("password")}
              type="password"
              autoComplete={signingUp ? "new-password" : "current-password"}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </Field>
          {signingUp && (
            <Field
              label={
                <>
                  Email <span className="muted">(optional)</span>
                </>
              }
              name="email"
              error={fields.email}
            >
              <input {...input("email")} type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />
            </Field>
          )}
          {signingUp && termsRequired && (
            <div className="field">
              <label className="check">
                <input {...input("accept_terms")} type="checkbox" checked={acceptTerms} onChange={(e) => setAcceptTerms(e.target.checked)} />
                I accept the terms of use of this site
              </label>
              {fields.accept_terms && (
                <p className="field-error" id="auth-accept_terms-error">
                  {fields.accept_terms}
                </p>
              )}
            </div>
          )}
          <ErrorMessage message={error} />
          <button type="submit" disabled={busy}>
            {signingUp ? "Create account" : "Log in"}
          </button>
          {signingUp && <p className="hint">3 to 32 letters, digits, “.”, “_” or “-”; a password of at least 8 characters.</p>}
        </form>
        <p className="auth-switch">
          {signingUp ? "Already have an account? " : "New here? "}
          <button type="button" className="link-button" onClick={() => switchTo(signingUp ? "login" : "signup")}>
            {signingUp ? "Log in" : "Create an account"}
          </button>
        </p>
      </div>
    </main>
  );
}
