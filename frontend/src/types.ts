// Shapes of the JSON the API answers with (see docs/api.md).

export type Privacy = "private" | "public";

export interface User {
  id: number;
  username: string;
  description: string | null;
  is_bot: boolean;
  created_at: string | null;
  email?: string | null;
  is_admin?: boolean;
  approved?: boolean;
}

export interface NodePreview {
  id: number;
  author: string | null;
  node_type: string;
  llm_model: string | null;
  privacy: Privacy;
  preview: string;
  deleted: boolean;
  /** Kept away from AI by its author (absent from servers that predate the setting). */
  ai_excluded?: boolean;
  created_at: string | null;
  child_count: number;
  descendant_count: number;
}

export interface HiddenNode {
  id: number;
  hidden: true;
}

export interface NodeDetail {
  id: number;
  user_id: number;
  author: string | null;
  parent_id: number | null;
  linked_node_id: number | null;
  node_type: string;
  llm_model: string | null;
  privacy: Privacy;
  content: string;
  deleted: boolean;
  /** Kept away from AI by its author: no AI model reads it or replies to it. */
  ai_excluded?: boolean;
  token_count: number;
  distributed_tokens: number;
  audio_original_url: string | null;
  audio_mime_type: string | null;
  audio_duration_seconds: number | null;
  tts_url: string | null;
  created_at: string | null;
  updated_at: string | null;
  ancestors: (NodePreview | HiddenNode)[];
  children: NodePreview[];
  linked_node?: NodePreview;
  task_id?: string;
}

export type JobStatus = "pending" | "processing" | "completed" | "failed" | "cancelled";

/** Every job status endpoint answers at least these fields; some add more (tts_url, profile, node...). */
export interface Job {
  task_id: string;
  status: JobStatus;
  progress: number;
  stage: string | null;
  /** What went wrong, worded for the person who asked. */
  error: string | null;
  /** The operator's detail (which setting or key is wrong); sent to administrators only. */
  error_detail?: string | null;
  kind?: string;
  attempts?: number;
  max_attempts?: number;
  result?: Record<string, unknown> | null;
  retry_of?: string | null;
  cancel_requested?: boolean;
  [extra: string]: unknown;
}

export interface Started {
  task_id: string;
  status: JobStatus;
}

export interface ModelInfo {
  id: string;
  provider: string;
  display_name: string;
  usable: boolean;
}

export interface Dashboard {
  user: User;
  nodes: NodePreview[];
  tokens_today: number;
  tokens_all_time: number;
  global_tokens_today: number;
  global_daily_target: number;
}

export interface Profile {
  id: number;
  content: string;
  generated_by: string;
  tokens_used: number;
  created_at: string | null;
}

export interface ProfileEstimate {
  total_tokens: number;
  max_tokens: number;
  included_tokens: number;
  threads_included: number;
  threads_total: number;
}

export function isFinished(status: JobStatus): boolean {
  return status === "completed" || status === "failed" || status === "cancelled";
}

export function isHidden(node: NodePreview | HiddenNode): node is HiddenNode {
  return "hidden" in node && node.hidden === true;
}
