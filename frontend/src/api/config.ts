import type { SiteConfig } from "../types";
import { get } from "./client";

/** The server's public settings (no login needed). */
export const getConfig = () => get<SiteConfig>("/api/config");
