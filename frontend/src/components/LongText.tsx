// A long entry in a conversation starts folded, so the thread stays readable; "Show more" unfolds it.
import { useState } from "react";
import Markdown from "./Markdown";

/** Longer than this (in characters or lines) starts folded. */
const LONG_CHARS = 1200;
const LONG_LINES = 16;

export function isLong(text: string): boolean {
  return text.length > LONG_CHARS || text.split("\n").length > LONG_LINES;
}

export default function LongText({ text, className }: { text: string; className?: string }) {
  const [open, setOpen] = useState(false);
  const long = isLong(text);
  const folded = long && !open;
  return (
    <>
      <Markdown className={[className, folded ? "folded" : ""].filter(Boolean).join(" ")} text={text} />
      {long && (
        <button type="button" className="link-button show-more" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? "Show less" : "Show more"}
        </button>
      )}
    </>
  );
}
