/** The author's choice that no AI model reads an entry or replies to it (`ai_excluded`). */
export default function KeepFromAI({ checked, onChange }: { checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label className="inline" title="No AI model reads this entry or replies to it">
      <input type="checkbox" name="ai_excluded" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      Keep away from AI
    </label>
  );
}
