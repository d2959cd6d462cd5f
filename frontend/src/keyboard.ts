// Keyboard shortcuts shared by the app's boxes and pages.
import type { KeyboardEvent } from "react";

/** Ctrl+Enter (Cmd+Enter on a Mac) in a text box submits its form, as the Save button would. */
export function submitOnCtrlEnter(event: KeyboardEvent<HTMLTextAreaElement>): void {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  event.preventDefault();
  event.currentTarget.form?.requestSubmit();
}

/** Whether a key press is Ctrl+K (Cmd+K on a Mac): open quick navigation. */
export function isQuickNavKey(event: globalThis.KeyboardEvent): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === "k";
}
