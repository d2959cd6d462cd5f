import type { NodePreview, Page, PageQuery } from "../types";
import { get } from "./client";

/** Everyone's public threads, newest first. */
export const getFeed = (query: PageQuery = {}) => get<Page<NodePreview>>("/api/feed", { ...query });
