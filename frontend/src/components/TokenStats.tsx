import { formatNumber } from "../format";
import type { TokenTotals } from "../types";
import ProgressBar from "./ProgressBar";

/** Tokens credited to you today and in all, and everyone's tokens today toward the daily target. */
export default function TokenStats({ data }: { data: TokenTotals }) {
  const pct = data.global_daily_target ? (100 * data.global_tokens_today) / data.global_daily_target : 0;
  return (
    <section className="stats card" aria-label="Tokens">
      <div className="stat">
        <span className="stat-value">{formatNumber(data.tokens_today)}</span>
        <span className="stat-label">your tokens today</span>
      </div>
      <div className="stat">
        <span className="stat-value">{formatNumber(data.tokens_all_time)}</span>
        <span className="stat-label">your tokens all time</span>
      </div>
      <div className="stat stat-wide">
        <span className="stat-label">
          Everyone today: <strong>{formatNumber(data.global_tokens_today)}</strong> of {formatNumber(data.global_daily_target)} tokens
          {" "}({pct < 0.1 && pct > 0 ? "<0.1" : pct.toFixed(1)}%)
        </span>
        <ProgressBar value={pct} label="Global tokens today" />
      </div>
    </section>
  );
}
