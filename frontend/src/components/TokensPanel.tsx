// Personal API tokens for scripts: made with a name (and the password again), the secret shown
// once to copy, listed, and revoked.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { messageOf } from "../api/client";
import { createToken, listTokens, revokeToken } from "../api/account";
import { formatDate } from "../format";
import { useAction } from "../hooks/useAction";
import type { ApiToken } from "../types";
import ConfirmDialog from "./ConfirmDialog";
import ErrorMessage from "./ErrorMessage";

function Secret({ token }: { token: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = () =>
    navigator.clipboard.writeText(token).then(
      () => setCopied("Copied."),
      () => setCopied("Copying failed: select the token and copy it by hand."),
    );
  return (
    <div className="notice token-secret" role="status">
      <p>Your new token. It is shown this once: copy it now.</p>
      <div className="row">
        <code className="secret" aria-label="New token">
          {token}
        </code>
        <button type="button" className="secondary small" onClick={copy}>
          Copy
        </button>
        {copied && <span className="muted">{copied}</span>}
      </div>
    </div>
  );
}

export default function TokensPanel({ username }: { username: string }) {
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [secret, setSecret] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const creating = useAction();
  const revocation = useAction();

  const load = useCallback(() => listTokens().then(setTokens, (err) => creating.setError(messageOf(err))), [creating.setError]);
  useEffect(() => {
    void load();
  }, [load]);

  const create = (event: FormEvent) => {
    event.preventDefault();
    void creating.run(async () => {
      setSecret(await createToken({ username, password, name: name.trim() }));
      setName("");
      setPassword("");
      await load();
    });
  };

  const revoke = (token: ApiToken) =>
    revocation.run(async () => {
      await revokeToken(token.id);
      setRevoking(null);
      await load();
    });

  return (
    <section className="card panel" aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <p className="muted">A token lets a script use your account through the API. Anyone who has it can, so keep it secret.</p>
      <form className="row" onSubmit={create}>
        <label>
          Token name
          <input name="token_name" value={name} maxLength={64} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          Your password
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        <button type="submit" disabled={creating.busy}>
          {creating.busy ? "Creating…" : "Create token"}
        </button>
      </form>
      <ErrorMessage message={creating.error} />
      {secret && <Secret token={secret} />}
      {tokens && tokens.length === 0 && <p className="muted">You have no API tokens.</p>}
      {tokens && tokens.length > 0 && (
        <ul className="token-list" aria-label="Your API tokens">
          {tokens.map((t) => (
            <li key={t.id} className="token" data-token-id={t.id}>
              <span className="token-name">{t.name || "(no name)"}</span>
              <span className="muted">
                made {formatDate(t.created_at)}
                {t.last_used_at ? ` · last used ${formatDate(t.last_used_at)}` : " · never used"}
              </span>
              {t.revoked ? (
                <span className="tag">revoked</span>
              ) : (
                <button
                  type="button"
                  className="secondary small"
                  aria-label={`Revoke ${t.name || "token"}`}
                  onClick={() => {
                    revocation.setError(null);
                    setRevoking(t);
                  }}
                >
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {revoking && (
        <ConfirmDialog
          title="Revoke this token?"
          confirmLabel="Revoke token"
          busyLabel="Revoking…"
          busy={revocation.busy}
          error={revocation.error}
          onConfirm={() => void revoke(revoking)}
          onClose={() => setRevoking(null)}
        >
          <p>Scripts using “{revoking.name || "this token"}” will be refused from now on.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
