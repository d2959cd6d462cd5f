import { useState, type FormEvent } from "react";
import { updateNode } from "../api/nodes";
import { useAction } from "../hooks/useAction";
import { useDraft } from "../hooks/useDraft";
import type { NodeDetail, Privacy } from "../types";
import { submitOnCtrlEnter } from "../keyboard";
import ErrorMessage from "./ErrorMessage";
import KeepFromAI from "./KeepFromAI";
import PrivacySelect from "./PrivacySelect";

interface Props {
  node: NodeDetail;
  onSaved: (node: NodeDetail) => void;
  onCancel: () => void;
}

/** Edit an entry's text, privacy and whether AI may read it; the server keeps the old text as a version. */
export default function EntryEditor({ node, onSaved, onCancel }: Props) {
  const [text, setText, clearText] = useDraft(`edit:${node.id}`, node.content);
  const [privacy, setPrivacy] = useState<Privacy>(node.privacy);
  const [aiExcluded, setAiExcluded] = useState(node.ai_excluded ?? false);
  const { busy, error, run } = useAction();

  const save = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      const saved = await updateNode(node.id, { content: text, privacy, ai_excluded: aiExcluded });
      clearText();
      onSaved(saved);
    });
  };

  const cancel = () => {
    clearText();
    onCancel();
  };

  return (
    <form className="editor stack" onSubmit={save}>
      <textarea value={text} onChange={(e) => setText(e.target.value)} rows={Math.min(24, Math.max(6, text.split("\n").length + 2))} aria-label="Entry text" onKeyDown={submitOnCtrlEnter} />
      <ErrorMessage message={error} />
      <div className="row">
        {node.parent_id === null && <PrivacySelect value={privacy} onChange={setPrivacy} />}
        <KeepFromAI checked={aiExcluded} onChange={setAiExcluded} />
        <span className="spacer" />
        <button type="button" className="secondary" onClick={cancel}>
          Cancel
        </button>
        <button type="submit" disabled={busy || !text.trim()}>
          Save
        </button>
      </div>
    </form>
  );
}
