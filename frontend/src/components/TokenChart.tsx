// Tokens per day for the last 30 days, as two small bar charts drawn in SVG: one's own, and
// everyone's with the daily target. Each bar names its day and count on hover; the chart as a
// whole is summed up for screen readers.
import { useEffect, useState } from "react";
import { getDailyTokens, type DailyTokens } from "../api/dashboard";
import { messageOf } from "../api/client";
import { formatNumber } from "../format";
import ErrorMessage from "./ErrorMessage";

const WIDTH = 300;
const HEIGHT = 80;

interface Series {
  title: string;
  values: { date: string; value: number }[];
  /** A line across the chart (the daily target), when it fits. */
  target?: number;
}

/** "2025-01-05" as "5 Jan", the day as the server counted it (UTC). */
export function shortDay(date: string): string {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString(undefined, { day: "numeric", month: "short", timeZone: "UTC" });
}

/** What the chart shows, in one sentence. */
export function summary({ title, values }: Series): string {
  const total = values.reduce((sum, v) => sum + v.value, 0);
  if (total === 0) return `${title}: none in the last ${values.length} days.`;
  const top = values.reduce((best, v) => (v.value > best.value ? v : best));
  return `${title}: ${formatNumber(total)} in the last ${values.length} days, the most on ${shortDay(top.date)} (${formatNumber(top.value)}).`;
}

export function BarChart(series: Series) {
  const { title, values, target } = series;
  const peak = Math.max(1, ...values.map((v) => v.value));
  // A target far above the bars would flatten them: it is drawn only when within twice the peak.
  const showTarget = target !== undefined && target <= peak * 2;
  const top = showTarget ? Math.max(peak, target) : peak;
  const slot = WIDTH / Math.max(1, values.length);
  const y = (value: number) => HEIGHT - (value / top) * HEIGHT;
  return (
    <figure className="token-chart">
      <figcaption>
        {title} <span className="muted">(most in a day: {formatNumber(peak === 1 && values.every((v) => !v.value) ? 0 : peak)})</span>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary(series)} preserveAspectRatio="none">
        <line className="token-chart-axis" x1={0} x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} />
        {values.map((v, i) => (
          <rect
            key={v.date}
            className={i === values.length - 1 ? "token-chart-bar today" : "token-chart-bar"}
            x={i * slot + slot * 0.15}
            width={slot * 0.7}
            y={y(v.value)}
            height={HEIGHT - y(v.value)}
            data-date={v.date}
            data-value={v.value}
          >
            <title>{`${shortDay(v.date)}: ${formatNumber(v.value)} tokens`}</title>
          </rect>
        ))}
        {showTarget && <line className="token-chart-target" x1={0} x2={WIDTH} y1={y(target)} y2={y(target)} />}
      </svg>
      {values.length > 0 && (
        <div className="token-chart-days muted" aria-hidden="true">
          <span>{shortDay(values[0].date)}</span>
          <span>today</span>
        </div>
      )}
    </figure>
  );
}

export default function TokenChart() {
  const [data, setData] = useState<DailyTokens | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    getDailyTokens(30).then(setData, (err) => setError(messageOf(err)));
  }, []);

  if (error) return <ErrorMessage message={error} />;
  if (!data) return <p className="muted">Loading…</p>;
  return (
    <div className="token-charts">
      <BarChart title="Your tokens" values={data.daily.map((d) => ({ date: d.date, value: d.tokens }))} />
      <BarChart
        title="Everyone’s tokens"
        values={data.daily.map((d) => ({ date: d.date, value: d.global_tokens }))}
        target={data.global_daily_target}
      />
    </div>
  );
}
