import type { Privacy } from "../types";

interface Props {
  /** null while the server's default is not known yet. */
  value: Privacy | null;
  onChange: (privacy: Privacy) => void;
}

/** Who may read a thread: its writer only, or everyone. */
export default function PrivacySelect({ value, onChange }: Props) {
  return (
    <label className="inline">
      Visible to
      <select name="privacy" value={value ?? ""} onChange={(e) => onChange(e.target.value as Privacy)} disabled={value === null}>
        {value === null && <option value="">…</option>}
        <option value="private">only me</option>
        <option value="public">everyone</option>
      </select>
    </label>
  );
}
