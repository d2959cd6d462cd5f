import { formatDate, relativeDate } from "../format";

/** A moment, as "5 min ago" while recent and as a date after; the full date is in the tooltip. */
export default function RelativeTime({ iso, className }: { iso: string | null; className?: string }) {
  if (!iso) return null;
  return (
    <time dateTime={iso} title={formatDate(iso)} className={className}>
      {relativeDate(iso)}
    </time>
  );
}
