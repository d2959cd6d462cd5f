// A question that must be answered before something irreversible happens. The native <dialog>,
// opened with showModal(), keeps keyboard focus inside it and closes on Escape. Focus starts on
// Cancel, so a stray Enter (or one pressed twice) never confirms; on close it goes back to the
// button that opened the dialog.
import { useId, useLayoutEffect, useRef, type ReactNode } from "react";
import ErrorMessage from "./ErrorMessage";

interface Props {
  title: string;
  /** What confirming does, in a sentence or two. */
  children: ReactNode;
  confirmLabel: string;
  /** The confirm button's text while the action runs. */
  busyLabel?: string;
  busy?: boolean;
  error?: string | null;
  onConfirm: () => void;
  /** Called when the dialog closes without confirming (Cancel, Escape). */
  onClose: () => void;
}

export default function ConfirmDialog({ title, children, confirmLabel, busyLabel = confirmLabel, busy = false, error, onConfirm, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();

  // A layout effect, so the dialog is open and Cancel focused before the next key press arrives.
  useLayoutEffect(() => {
    const box = dialog.current;
    if (!box) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    box.showModal();
    cancel.current?.focus();
    return () => {
      if (box.open) box.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={dialog}
      className="confirm"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onClose={onClose}
    >
      <h2 id={titleId}>{title}</h2>
      <div id={bodyId}>{children}</div>
      <ErrorMessage message={error} />
      <div className="confirm-actions">
        <button ref={cancel} type="button" className="secondary" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={onConfirm} disabled={busy}>
          {busy ? busyLabel : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
