import type { ModelInfo } from "../types";

interface Props {
  catalog: { models: ModelInfo[] } | null;
  value: string;
  onChange: (id: string) => void;
}

/** A choice of AI model; models that are not set up on this server are shown but disabled. */
export default function ModelPicker({ catalog, value, onChange }: Props) {
  return (
    <label className="inline">
      Model
      <select name="model" value={value} onChange={(e) => onChange(e.target.value)} disabled={!catalog}>
        {!catalog && <option value="">Loading…</option>}
        {catalog?.models.map((m) => (
          <option key={m.id} value={m.id} disabled={!m.usable}>
            {m.display_name}
            {m.usable ? "" : " (not set up)"}
          </option>
        ))}
      </select>
    </label>
  );
}
