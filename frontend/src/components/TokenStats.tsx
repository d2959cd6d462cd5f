import { useState } from "react";
import { formatNumber } from "../format";
import type { TokenTotals } from "../types";
import ProgressBar from "./ProgressBar";
import TokenChart from "./TokenChart";

/** Tokens credited to you today and in all, and everyone's tokens today toward the daily target;
 * what tokens are, and the last 30 days as a chart, under a disclosure (loaded when opened). */
export default function TokenStats({ data }: { data: TokenTotals }) {
  const [open, setOpen] = useState(false);
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
      <details className="stat-more" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
        <summary>What are tokens? The last 30 days</summary>
        <p>
          A token is a piece of a word; a page of writing is about 500 of them. When an AI model replies in a thread, the tokens it
          used are credited to the people’s entries it read, in proportion to their length: those are your tokens. Everyone’s
          tokens together count toward a shared goal of {formatNumber(data.global_daily_target)} a day.
        </p>
        {open && <TokenChart />}
      </details>
    </section>
  );
}
