import type { Dashboard, PageQuery } from "../types";
import { get } from "./client";

/** One's own journal: the token totals and a page of one's entries, newest first. */
export const getDashboard = (query: PageQuery = {}) => get<Dashboard>("/api/dashboard", { ...query });

export interface DailyTokens {
  days: number;
  global_daily_target: number;
  /** One per UTC day, oldest first, today last. */
  daily: { date: string; tokens: number; global_tokens: number }[];
}

/** Your tokens and everyone's per day, for the last `days` days. */
export const getDailyTokens = (days = 30) => get<DailyTokens>("/api/dashboard/tokens", { days });
