import type { Started } from "../types";
import { post } from "./client";

/** All of one's data as one JSON file: a plain download link, no job. */
export const ALL_DATA_URL = "/api/export";

/** Write every thread one started to a text file (a job whose result has `download_url`). */
export const exportThreads = () => post<Started>("/api/export/threads");
