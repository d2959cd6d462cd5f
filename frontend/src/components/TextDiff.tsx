// What changed between two texts, word by word: removed words struck through, added ones marked.
import { diffWords } from "diff";

interface Props {
  from: string;
  to: string;
}

export default function TextDiff({ from, to }: Props) {
  return (
    <div className="text-diff">
      {diffWords(from, to).map((part, i) =>
        part.added ? <ins key={i}>{part.value}</ins> : part.removed ? <del key={i}>{part.value}</del> : <span key={i}>{part.value}</span>,
      )}
    </div>
  );
}
