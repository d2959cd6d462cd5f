// "Delete all my data": every entry and what was made from it goes, the account stays. Typing
// DELETE is the confirmation, since nothing can bring the writing back.
import { useState } from "react";
import { deleteMyData, type Deleted } from "../api/account";
import { useAction } from "../hooks/useAction";
import { pluralize } from "../format";
import ErrorMessage from "./ErrorMessage";
import Notice from "./Notice";

const WORD = "DELETE";

function summary(deleted: Deleted): string {
  const entries = (deleted.nodes ?? 0) + (deleted.ai_replies ?? 0);
  return `Deleted ${pluralize(entries, "entry", "entries")}, ${pluralize(deleted.jobs ?? 0, "job")} and ${pluralize(deleted.profiles ?? 0, "profile")}.`;
}

export default function DeleteMyDataPanel() {
  const [typed, setTyped] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const remove = () =>
    run(async () => {
      setDone(summary(await deleteMyData()));
      setTyped("");
    });

  return (
    <section className="card panel" aria-labelledby="delete-data-title">
      <h2 id="delete-data-title">Delete all my data</h2>
      <p className="muted">
        Deletes every entry you wrote, their earlier versions and the AI replies to them, your drafts, profiles,
        recordings, read-aloud audio, exports and jobs. It cannot be undone. What stays: your account (name,
        password, API tokens and settings), so you can start again, and what other people wrote in reply to you.
      </p>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          if (typed === WORD) void remove();
        }}
      >
        <label>
          Type {WORD} to confirm
          <input value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} />
        </label>
        <button type="submit" className="danger" disabled={busy || typed !== WORD}>
          {busy ? "Deleting…" : "Delete all my data"}
        </button>
      </form>
      <ErrorMessage message={error} />
      <Notice>{done}</Notice>
    </section>
  );
}
