// What stands where an entry was: deleted (410) or never there / not shared with you (404).
import { href } from "../router";

interface Props {
  deleted: boolean;
  /** The entry it replied to, when known: the way back into its thread. */
  parentId: number | null;
  /** Read by someone not logged in: the ways on are the feed and signing up. */
  visitor?: boolean;
}

export default function EntryGone({ deleted, parentId, visitor = false }: Props) {
  return (
    <main className="page entry-gone">
      <h1 className="page-title">{deleted ? "This entry was deleted" : "Entry not found"}</h1>
      <p>
        {deleted
          ? "It is no longer shown to anyone."
          : "There is no entry here, or it is not shared with you."}
      </p>
      <p className="row">
        {parentId !== null && <a href={href.node(parentId)}>Back to the thread</a>}
        {visitor ? (
          <>
            <a href={href.feed}>Read the public feed</a>
            <a href={href.signup}>Create an account</a>
          </>
        ) : (
          <a href={href.dashboard}>Back to your journal</a>
        )}
      </p>
    </main>
  );
}
