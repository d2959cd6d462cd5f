// Quick navigation (Ctrl/Cmd+K): one's threads in a dialog, filtered as one types; Enter opens the
// highlighted one, the arrow keys move the highlight, Escape closes (the native <dialog> does).
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { messageOf } from "../api/client";
import { getMyThreads } from "../api/threads";
import { href, navigate } from "../router";
import type { ThreadCard } from "../types";
import ErrorMessage from "./ErrorMessage";
import RelativeTime from "./RelativeTime";

/** Threads offered: the most recently active ones, enough for a journal kept for a long time. */
const OFFERED = 200;
const SHOWN = 12;

export function matches(card: ThreadCard, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const text = `${card.root.preview} ${card.root.author ?? ""}`.toLowerCase();
  return words.every((word) => text.includes(word));
}

export default function QuickNav({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [threads, setThreads] = useState<ThreadCard[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const titleId = useId();
  const listId = useId();

  useLayoutEffect(() => {
    const box = dialog.current;
    if (!box) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    box.showModal();
    input.current?.focus();
    return () => {
      if (box.open) box.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  useEffect(() => {
    getMyThreads({ per_page: OFFERED }).then(
      (page) => setThreads(page.items),
      (err) => setError(messageOf(err)),
    );
  }, []);

  const shown = useMemo(() => (threads ?? []).filter((card) => matches(card, query)).slice(0, SHOWN), [threads, query]);
  const highlighted = Math.min(active, Math.max(shown.length - 1, 0));

  const open = (card: ThreadCard) => {
    onClose();
    navigate(href.node(card.root.id));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((highlighted + step + shown.length) % Math.max(shown.length, 1));
    } else if (event.key === "Enter" && shown[highlighted]) {
      event.preventDefault();
      open(shown[highlighted]);
    }
  };

  const optionId = (i: number) => `${listId}-${i}`;
  return (
    <dialog ref={dialog} className="quick-nav" aria-labelledby={titleId} onClose={onClose}>
      <h2 id={titleId}>Go to a thread</h2>
      <input
        ref={input}
        type="search"
        role="combobox"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={shown.length ? optionId(highlighted) : undefined}
        aria-label="Find a thread by its words"
        placeholder="Type to filter your threads…"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <ErrorMessage message={error} />
      <ul id={listId} role="listbox" aria-label="Your threads" className="quick-nav-list">
        {shown.map((card, i) => (
          <li
            key={card.root.id}
            id={optionId(i)}
            role="option"
            aria-selected={i === highlighted}
            className={i === highlighted ? "active" : undefined}
            onClick={() => open(card)}
            onMouseEnter={() => setActive(i)}
          >
            <span className="quick-nav-text">{card.root.preview || "(empty)"}</span>
            {card.last_activity_at && <RelativeTime iso={card.last_activity_at} className="muted" />}
          </li>
        ))}
      </ul>
      {threads && shown.length === 0 && <p className="muted">{threads.length ? "No thread has these words." : "You have no threads yet."}</p>}
      {!threads && !error && <p className="muted">Loading…</p>}
      <p className="hint">↑ ↓ to choose, Enter to open, Esc to close.</p>
    </dialog>
  );
}
