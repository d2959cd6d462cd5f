// One's earlier profiles, newest first, each folded under who wrote it and when.
import { listProfiles } from "../api/profile";
import { formatDate, pluralize } from "../format";
import { usePaged } from "../hooks/usePaged";
import type { Profile } from "../types";
import Markdown from "./Markdown";
import Paged from "./Paged";

export function writtenBy(profile: Profile): string {
  return profile.generated_by === "user" ? "you" : profile.generated_by;
}

/** `currentId`: the profile shown above, left out here. */
export default function ProfileHistory({ currentId }: { currentId: number | null }) {
  const list = usePaged(listProfiles);
  const earlier = { ...list, items: list.items.filter((p) => p.id !== currentId) };
  return (
    <section className="profile-history" aria-label="Earlier profiles">
      <h3>Earlier profiles</h3>
      <Paged
        list={earlier}
        className="profile-history-list"
        empty="None yet: each new profile keeps the one before it here."
        render={(profile) => (
          <details key={profile.id} className="profile-earlier" data-profile-id={profile.id}>
            <summary>
              Written by {writtenBy(profile)} on {formatDate(profile.created_at)}
              {profile.tokens_used > 0 && ` · ${pluralize(profile.tokens_used, "token")}`}
            </summary>
            <Markdown className="profile-text" text={profile.content} />
          </details>
        )}
      />
    </section>
  );
}
