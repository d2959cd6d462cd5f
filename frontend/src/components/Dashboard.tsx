// One's own journal: token counts, the global daily bar, a box to write, and one's entries.
import { useCallback, useState } from "react";
import { getDashboard } from "../api/dashboard";
import { usePaged } from "../hooks/usePaged";
import { href, navigate } from "../router";
import type { NodeDetail, PageQuery, TokenTotals } from "../types";
import Composer from "./Composer";
import EntryPreview from "./EntryPreview";
import Paged from "./Paged";
import TokenStats from "./TokenStats";

export default function Dashboard() {
  const [totals, setTotals] = useState<TokenTotals | null>(null);
  const [saved, setSaved] = useState<NodeDetail | null>(null);
  const entries = useCallback(async (query: PageQuery) => {
    const answer = await getDashboard(query);
    setTotals(answer); // every page carries the totals; the newest answer's stand
    return answer.entries;
  }, []);
  const list = usePaged(entries);

  const created = (node: NodeDetail, how: "text" | "voice") => {
    if (how === "voice") {
      navigate(`/node/${node.id}`); // follow the transcription there
      return;
    }
    setSaved(node);
    list.reload();
  };

  return (
    <main className="page">
      <h1 className="page-title">Your journal</h1>
      {totals && <TokenStats data={totals} />}
      <Composer onCreated={created} />
      {saved && (
        <p className="notice" role="status">
          Saved. <a href={href.node(saved.id)}>Open the entry →</a>
        </p>
      )}
      <h2>Your entries</h2>
      <Paged
        list={list}
        className="entry-list"
        empty="Nothing here yet. Write your first entry above."
        render={(node) => <EntryPreview key={node.id} node={node} />}
      />
    </main>
  );
}
