// A box to write an entry or a reply, with a privacy choice for new threads, a choice to keep it
// away from AI (both starting at the writer's defaults), and a voice recorder.
// The draft lives in localStorage until the server has it, so an error or a reload loses nothing.
import { useState, type FormEvent } from "react";
import { createNode } from "../api/nodes";
import { useAction } from "../hooks/useAction";
import { useDefaultPrivacy } from "../hooks/useConfig";
import { useDraft } from "../hooks/useDraft";
import { usePreferences } from "../hooks/usePreferences";
import type { NodeDetail, Privacy } from "../types";
import { submitOnCtrlEnter } from "../keyboard";
import ErrorMessage from "./ErrorMessage";
import KeepFromAI from "./KeepFromAI";
import PrivacySelect from "./PrivacySelect";
import VoiceRecorder from "./VoiceRecorder";

interface Props {
  parentId?: number;
  onCreated: (node: NodeDetail, how: "text" | "voice") => void;
  placeholder?: string;
  submitLabel?: string;
}

export default function Composer({ parentId, onCreated, placeholder = "What is on your mind?", submitLabel = "Save entry" }: Props) {
  const [text, setText, clearText] = useDraft(parentId ? `reply:${parentId}` : "new");
  const serverDefault = useDefaultPrivacy();
  const prefs = usePreferences();
  const [chosen, setPrivacy] = useState<Privacy | null>(null);
  // The writer's default, else the server's. Unknown (null) until both are known; meanwhile
  // nothing is sent, so the server applies that same default.
  const privacy = chosen ?? (prefs === undefined ? null : (prefs?.default_privacy ?? serverDefault));
  const [aiChosen, setAiExcluded] = useState<boolean | null>(null);
  const aiExcluded = aiChosen ?? prefs?.default_ai_excluded ?? false;
  // Before the writer's defaults are known only a choice made here is sent.
  const aiExcludedSent = prefs === undefined ? (aiChosen ?? undefined) : aiExcluded;
  const { busy, error, run } = useAction();
  const topLevel = parentId === undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      const place = topLevel ? { privacy: privacy ?? undefined } : { parent_id: parentId };
      const node = await createNode({ content: text, ai_excluded: aiExcludedSent, ...place });
      clearText();
      onCreated(node, "text");
    });
  };

  return (
    <form className="composer card" onSubmit={submit}>
      <textarea
        name="content"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={placeholder}
        rows={topLevel ? 7 : 4}
        aria-label={topLevel ? "New entry" : "Your reply"}
        onKeyDown={submitOnCtrlEnter}
        aria-keyshortcuts="Control+Enter Meta+Enter"
      />
      <ErrorMessage message={error} />
      <div className="composer-actions">
        {topLevel && <PrivacySelect value={privacy} onChange={setPrivacy} />}
        <KeepFromAI checked={aiExcluded} onChange={setAiExcluded} />
        <span className="spacer" />
        <VoiceRecorder
          parentId={parentId}
          privacy={topLevel ? (privacy ?? undefined) : undefined}
          aiExcluded={aiExcluded}
          onUploaded={(node) => onCreated(node, "voice")}
        />
        <button type="submit" disabled={busy || !text.trim()}>
          {busy ? "Saving…" : submitLabel}
        </button>
      </div>
    </form>
  );
}
