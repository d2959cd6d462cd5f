// One's own journal: token counts, the global daily bar, a box to write, and one's threads, one
// card each, the one with the newest activity first.
import { useCallback, useEffect, useState } from "react";
import { getDashboard } from "../api/dashboard";
import { getMyThreads } from "../api/threads";
import { usePaged } from "../hooks/usePaged";
import { href, navigate } from "../router";
import type { NodeDetail, TokenTotals } from "../types";
import Composer from "./Composer";
import Paged from "./Paged";
import ThreadCard from "./ThreadCard";
import TokenStats from "./TokenStats";

export default function Dashboard() {
  const [totals, setTotals] = useState<TokenTotals | null>(null);
  const [saved, setSaved] = useState<NodeDetail | null>(null);
  const threads = usePaged(getMyThreads);

  const loadTotals = useCallback(() => {
    getDashboard({ per_page: 1 }).then(setTotals, () => undefined); // the totals are a nicety
  }, []);
  useEffect(loadTotals, [loadTotals]);

  const created = (node: NodeDetail, how: "text" | "voice") => {
    if (how === "voice") {
      navigate(`/node/${node.id}`); // follow the transcription there
      return;
    }
    setSaved(node);
    threads.reload();
    loadTotals();
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
      <h2>Your threads</h2>
      <Paged
        list={threads}
        className="entry-list"
        empty="Nothing here yet. Write your first entry above."
        render={(card) => <ThreadCard key={card.root.id} card={card} />}
      />
    </main>
  );
}
