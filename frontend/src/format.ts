const numbers = new Intl.NumberFormat();
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "short" });

export function formatNumber(n: number): string {
  return numbers.format(n);
}

/** The API sends UTC timestamps, sometimes without a zone; read them as UTC. */
export function parseDate(iso: string): Date {
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
}

/** The API sends UTC timestamps; show them in the reader's time zone. */
export function formatDate(iso: string | null): string {
  if (!iso) return "";
  const date = parseDate(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "5 min ago", "3 hr. ago", "yesterday", "4 days ago" within a week; the date after. */
export function relativeDate(iso: string | null, now: number = Date.now()): string {
  if (!iso) return "";
  const date = parseDate(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const ago = now - date.getTime();
  if (ago < -MINUTE || ago >= 7 * DAY) return formatDate(iso); // the future (a skewed clock) or long ago
  if (ago < MINUTE) return "just now";
  if (ago < HOUR) return relative.format(-Math.floor(ago / MINUTE), "minute");
  if (ago < DAY) return relative.format(-Math.floor(ago / HOUR), "hour");
  return relative.format(-Math.floor(ago / DAY), "day");
}

export function pluralize(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}
