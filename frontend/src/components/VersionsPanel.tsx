// An entry's earlier texts, for its author: each one compared word by word with the current text,
// and put back with "Restore" (the server keeps the current text as a version, so nothing is lost).
import { useEffect, useState } from "react";
import { messageOf } from "../api/client";
import { listVersions, restoreVersion, type EntryVersion } from "../api/nodes";
import { formatDate } from "../format";
import { useAction } from "../hooks/useAction";
import type { NodeDetail } from "../types";
import ErrorMessage from "./ErrorMessage";
import TextDiff from "./TextDiff";

interface Props {
  node: NodeDetail;
  onRestored: (node: NodeDetail) => void;
  onClose: () => void;
}

const REASONS: Record<string, string> = { edit: "before an edit", restore: "before a restore" };

export default function VersionsPanel({ node, onRestored, onClose }: Props) {
  const [versions, setVersions] = useState<EntryVersion[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<number | null>(null);
  const { busy, error, run } = useAction();

  useEffect(() => {
    listVersions(node.id).then(
      (list) => {
        const newestFirst = [...list].reverse();
        setVersions(newestFirst);
        setChosen(newestFirst[0]?.id ?? null);
      },
      (err) => setLoadError(messageOf(err)),
    );
  }, [node.id, node.content]);

  const version = versions?.find((v) => v.id === chosen);
  const restore = (v: EntryVersion) =>
    run(async () => {
      onRestored(await restoreVersion(node.id, v.id));
    });

  return (
    <section className="versions stack" aria-label="Earlier versions">
      <div className="row">
        <h2>Earlier versions</h2>
        <span className="spacer" />
        <button type="button" className="secondary small" onClick={onClose}>
          Close
        </button>
      </div>
      <ErrorMessage message={loadError} />
      {versions === null && !loadError && <p className="muted">Loading…</p>}
      {versions?.length === 0 && <p className="muted">This entry has not been changed since it was written.</p>}
      {versions && versions.length > 0 && (
        <>
          <ul className="version-list">
            {versions.map((v) => (
              <li key={v.id}>
                <button
                  type="button"
                  className={v.id === chosen ? "link-button active" : "link-button"}
                  aria-pressed={v.id === chosen}
                  onClick={() => setChosen(v.id)}
                >
                  {formatDate(v.created_at)} {v.reason && REASONS[v.reason] ? `(${REASONS[v.reason]})` : ""}
                </button>
              </li>
            ))}
          </ul>
          {version && (
            <div className="stack">
              <p className="muted">What changed from this version to the current text:</p>
              <TextDiff from={version.content} to={node.content} />
              <ErrorMessage message={error} />
              <div className="row">
                <button type="button" disabled={busy} onClick={() => void restore(version)}>
                  {busy ? "Restoring…" : "Restore this version"}
                </button>
              </div>
            </div>
          )}
        </>
      )}
    </section>
  );
}
