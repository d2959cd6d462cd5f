import type { Dashboard, PageQuery } from "../types";
import { get } from "./client";

/** One's own journal: the token totals and a page of one's entries, newest first. */
export const getDashboard = (query: PageQuery = {}) => get<Dashboard>("/api/dashboard", { ...query });
