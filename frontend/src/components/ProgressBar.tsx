interface Props {
  value: number; // 0–100
  label: string;
  active?: boolean;
}

export default function ProgressBar({ value, label, active = false }: Props) {
  const pct = Math.max(0, Math.min(100, value));
  return (
    <div
      className={`bar${active ? " bar-active" : ""}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(pct)}
    >
      <div className="bar-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}
