// Where a thread forks: the branches (the replies of the same entry, oldest first) and a way to
// step to the one before or after.
import { navigate } from "../router";
import type { Siblings } from "../types";

export default function BranchSwitch({ siblings, label = "Branches here" }: { siblings: Siblings; label?: string }) {
  const { ids, index } = siblings;
  if (ids.length < 2) return null;
  const go = (to: number) => navigate(`/node/${ids[to]}`);
  return (
    <nav className="branches" aria-label={label}>
      <button type="button" className="secondary small" aria-label="Previous branch" disabled={index <= 0} onClick={() => go(index - 1)}>
        ‹
      </button>
      <span className="muted">
        Branch {index + 1} of {ids.length}
      </span>
      <button
        type="button"
        className="secondary small"
        aria-label="Next branch"
        disabled={index >= ids.length - 1}
        onClick={() => go(index + 1)}
      >
        ›
      </button>
    </nav>
  );
}
