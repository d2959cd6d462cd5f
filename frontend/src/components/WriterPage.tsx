// A writer's public page (/@name): their public threads, one card each, newest activity first.
// Anyone can read it, logged in or not.
import { useCallback, useState } from "react";
import { ApiError } from "../api/client";
import { getWriterThreads } from "../api/threads";
import { usePaged } from "../hooks/usePaged";
import type { PageQuery } from "../types";
import NotFound from "./NotFound";
import Paged from "./Paged";
import ThreadCard from "./ThreadCard";

export default function WriterPage({ username, visitor = false }: { username: string; visitor?: boolean }) {
  const [missing, setMissing] = useState<string | null>(null);
  const load = useCallback(
    (query: Required<PageQuery>) =>
      getWriterThreads(username, query).catch((err: unknown) => {
        if (err instanceof ApiError && err.code === "not_found") setMissing(username);
        throw err;
      }),
    [username],
  );
  const threads = usePaged(load);
  if (missing === username) return <NotFound path={`/@${username}`} visitor={visitor} />;
  return (
    <main className="page">
      <h1 className="page-title">{username}</h1>
      <p className="muted lead">Public threads by {username}, the one with the newest activity first.</p>
      <Paged
        list={threads}
        className="entry-list"
        empty={`${username} has no public threads yet.`}
        render={(card) => <ThreadCard key={card.root.id} card={card} />}
      />
    </main>
  );
}
