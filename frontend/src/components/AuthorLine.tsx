import type { Privacy } from "../types";

interface Props {
  author: string | null;
  model?: string | null;
  nodeType?: string;
  privacy?: Privacy;
  aiExcluded?: boolean;
}

/** Who wrote an entry: a person, or an AI model (badged), whether it is public, and whether it is kept away from AI. */
export default function AuthorLine({ author, model, nodeType, privacy, aiExcluded }: Props) {
  const ai = nodeType === "llm";
  return (
    <div className="author-line">
      <span className={ai ? "author author-ai" : "author"}>{ai ? model || author : author}</span>
      {ai && <span className="tag tag-ai">AI</span>}
      {nodeType === "link" && <span className="tag">link</span>}
      {privacy === "public" && <span className="tag tag-public">public</span>}
      {aiExcluded && (
        <span className="tag tag-no-ai" title="Kept away from AI: no AI model reads it or replies to it">
          kept from AI
        </span>
      )}
    </div>
  );
}
