// One's account: defaults, the theme, the e-mail address, the password, API tokens, ending every
// session, and deleting all one wrote.
import { useState } from "react";
import { logoutEverywhere } from "../api/account";
import { useAction } from "../hooks/useAction";
import type { User } from "../types";
import ConfirmDialog from "./ConfirmDialog";
import DeleteMyDataPanel from "./DeleteMyDataPanel";
import EmailPanel from "./EmailPanel";
import PasswordPanel from "./PasswordPanel";
import PreferencesPanel from "./PreferencesPanel";
import SessionsList from "./SessionsList";
import ThemePicker from "./ThemePicker";
import TokensPanel from "./TokensPanel";

interface Props {
  user: User;
  /** Every session ended, this one too: the app shows the login screen. */
  onLoggedOut: () => void;
  /** The account changed here (its e-mail address): the app keeps the new one. */
  onUserChanged?: (user: User) => void;
}

export default function SettingsPage({ user, onLoggedOut, onUserChanged }: Props) {
  const [confirming, setConfirming] = useState(false);
  const [passwordChanges, setPasswordChanges] = useState(0); // the session list changes with it
  const { busy, error, run } = useAction();
  const endAll = () =>
    run(async () => {
      await logoutEverywhere();
      onLoggedOut();
    });

  return (
    <main className="page">
      <h1 className="page-title">Settings</h1>
      <PreferencesPanel />
      <ThemePicker />
      <EmailPanel current={user.email ?? null} onChanged={onUserChanged} />
      <PasswordPanel onChanged={() => setPasswordChanges((n) => n + 1)} />
      <TokensPanel username={user.username} />
      <section className="card panel" aria-labelledby="sessions-title">
        <h2 id="sessions-title">Sessions</h2>
        <SessionsList version={passwordChanges} />
        <p className="muted">Logged in somewhere you no longer use? End every session, this one too, and revoke every API token.</p>
        <button type="button" className="secondary" onClick={() => setConfirming(true)}>
          Log out everywhere
        </button>
      </section>
      <DeleteMyDataPanel />
      {confirming && (
        <ConfirmDialog
          title="Log out everywhere?"
          confirmLabel="Log out everywhere"
          busyLabel="Logging out…"
          busy={busy}
          error={error}
          onConfirm={() => void endAll()}
          onClose={() => setConfirming(false)}
        >
          <p>Every browser logged in as {user.username} is logged out, and every API token stops working.</p>
        </ConfirmDialog>
      )}
    </main>
  );
}
