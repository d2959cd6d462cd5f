// Where one is logged in: each session with its browser, address and last use; any other one
// can be ended here.
import { useCallback, useEffect, useState } from "react";
import { endSession, listSessions, type Session } from "../api/account";
import { messageOf } from "../api/client";
import { useAction } from "../hooks/useAction";
import ErrorMessage from "./ErrorMessage";
import RelativeTime from "./RelativeTime";

export default function SessionsList({ version = 0 }: { version?: number }) {
  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const load = useCallback(
    () =>
      listSessions().then(
        (items) => setSessions(items),
        (err) => setLoadError(messageOf(err)),
      ),
    [],
  );

  useEffect(() => {
    void load();
  }, [load, version]);

  if (loadError) return <ErrorMessage message={loadError} />;
  if (!sessions) return <p className="muted">Loading…</p>;
  return (
    <>
      <ul className="plain-list" aria-label="Your sessions">
        {sessions.map((s) => (
          <li key={s.id} className="row">
            <span>
              {s.user_agent || "Unknown browser"}
              {s.ip ? ` · ${s.ip}` : ""} · last used <RelativeTime iso={s.last_seen_at} />
              {s.current && <strong> · this browser</strong>}
            </span>
            {!s.current && (
              <button
                type="button"
                className="secondary small"
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    await endSession(s.id);
                    await load();
                  })
                }
              >
                End session
              </button>
            )}
          </li>
        ))}
      </ul>
      <ErrorMessage message={error} />
    </>
  );
}
