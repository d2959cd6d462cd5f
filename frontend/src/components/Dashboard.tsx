// One's own journal: token counts, the global daily bar, a box to write, and one's entries.
import { useState } from "react";
import { usePaged } from "../hooks/usePaged";
import { href, navigate } from "../router";
import type { Dashboard as DashboardData, NodeDetail } from "../types";
import Composer from "./Composer";
import EntryList from "./EntryList";
import TokenStats from "./TokenStats";

export default function Dashboard() {
  const list = usePaged<DashboardData>("/api/dashboard");
  const [saved, setSaved] = useState<NodeDetail | null>(null);

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
      {list.first && <TokenStats data={list.first} />}
      <Composer onCreated={created} />
      {saved && (
        <p className="notice" role="status">
          Saved. <a href={href.node(saved.id)}>Open the entry →</a>
        </p>
      )}
      <h2>Your entries</h2>
      <EntryList list={list} empty="Nothing here yet. Write your first entry above." />
    </main>
  );
}
