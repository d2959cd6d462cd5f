import { useInputLevel } from "../recording/useInputLevel";

/** How loud the microphone is while recording; nothing where the browser cannot tell. */
export default function LevelMeter({ stream }: { stream: MediaStream | null }) {
  const level = useInputLevel(stream);
  if (level === null) return null;
  return (
    <div className="level-meter" role="meter" aria-label="Input level" aria-valuemin={0} aria-valuemax={100} aria-valuenow={level}>
      <div className="level-meter-fill" style={{ width: `${level}%` }} />
    </div>
  );
}
