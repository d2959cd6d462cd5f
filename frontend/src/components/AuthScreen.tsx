// Sign up or log in. The typed name and password stay in the form when the server says no.
import { useState, type FormEvent } from "react";
import { login, signup } from "../api/auth";
import { useAction } from "../hooks/useAction";
import type { User } from "../types";
import ErrorMessage from "./ErrorMessage";

interface Props {
  onLoggedIn: (user: User) => void;
}

type Mode = "login" | "signup";

export default function AuthScreen({ onLoggedIn }: Props) {
  const [mode, setMode] = useState<Mode>("login");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [email, setEmail] = useState("");
  const { busy, error, setError, run } = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      const user = mode === "signup" ? await signup({ username, password, email: email || undefined }) : await login({ username, password });
      onLoggedIn(user);
    });
  };

  const switchTo = (next: Mode) => {
    setMode(next);
    setError(null);
  };

  return (
    <main className="auth">
      <header className="auth-brand">
        <h1>Write or Perish</h1>
        <p className="tagline">A journal that writes back.</p>
      </header>
      <div className="card auth-card">
        <div className="tabs" role="tablist">
          <button type="button" role="tab" aria-selected={mode === "login"} className={mode === "login" ? "tab active" : "tab"} onClick={() => switchTo("login")}>
            Log in
          </button>
          <button type="button" role="tab" aria-selected={mode === "signup"} className={mode === "signup" ? "tab active" : "tab"} onClick={() => switchTo("signup")}>
            Sign up
          </button>
        </div>
        <form onSubmit={submit} className="stack">
          <label>
            Username
            <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
          </label>
          <label>
            Password
            <input
              name="password"
              type="password"
              autoComplete={mode === "signup" ? "new-password" : "current-password"}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </label>
          {mode === "signup" && (
            <label>
              Email <span className="muted">(optional)</span>
              <input name="email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />
            </label>
          )}
          <ErrorMessage message={error} />
          <button type="submit" disabled={busy}>
            {mode === "signup" ? "Create account" : "Log in"}
          </button>
          {mode === "signup" && <p className="hint">3 to 32 letters, digits, “.”, “_” or “-”; a password of at least 8 characters.</p>}
        </form>
      </div>
    </main>
  );
}
