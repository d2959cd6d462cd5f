import type { Privacy } from "../types";

interface Props {
  author: string | null;
  model?: string | null;
  nodeType?: string;
  privacy?: Privacy;
}

/** Who wrote an entry: a person, or an AI model (badged), and whether it is public. */
export default function AuthorLine({ author, model, nodeType, privacy }: Props) {
  const ai = nodeType === "llm";
  return (
    <div className="author-line">
      <span className={ai ? "author author-ai" : "author"}>{ai ? model || author : author}</span>
      {ai && <span className="tag tag-ai">AI</span>}
      {nodeType === "link" && <span className="tag">link</span>}
      {privacy === "public" && <span className="tag tag-public">public</span>}
    </div>
  );
}
