import type { ReactNode } from "react";

/** What just succeeded, announced to screen readers; nothing when there is nothing to say. */
export default function Notice({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p className="notice" role="status">
      {children}
    </p>
  );
}
