// Shapes of the JSON the API answers with (see docs/api.md). Objects may gain fields.

export type Privacy = "private" | "public";

/** Every list the API answers: one page of `items`, and whether another page follows. */
export interface Page<T> {
  items: T[];
  page: number;
  per_page: number;
  has_more: boolean;
}

/** Which page of a list to ask for (`?page=&per_page=`). */
export interface PageQuery {
  page?: number;
  per_page?: number;
}

/** The server's public settings (GET /api/config, no login needed). */
export interface SiteConfig {
  default_privacy: Privacy;
  require_approval: boolean;
  terms_required: boolean;
  max_upload_mb: number;
  max_audio_minutes: number;
  tts_max_chars: number;
}

export interface User {
  id: number;
  username: string;
  description: string | null;
  is_bot: boolean;
  created_at: string | null;
  email?: string | null;
  is_admin?: boolean;
  approved?: boolean;
  accepted_terms_at?: string | null;
  /** Seen by administrators: false once the account was deactivated. */
  active?: boolean;
}

export interface NodePreview {
  id: number;
  author: string | null;
  node_type: string;
  llm_model: string | null;
  privacy: Privacy;
  preview: string;
  deleted: boolean;
  /** Kept away from AI by its author: no AI model reads it or replies to it. */
  ai_excluded?: boolean;
  created_at: string | null;
  child_count: number;
  descendant_count: number;
}

export interface HiddenNode {
  id: number;
  hidden: true;
}

/** An entry on its own (what an AI reply job's result holds as `node`). */
export interface Node {
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
  ai_excluded?: boolean;
  token_count: number;
  distributed_tokens: number;
  audio_original_url: string | null;
  audio_mime_type: string | null;
  audio_duration_seconds: number | null;
  tts_url: string | null;
  created_at: string | null;
  updated_at: string | null;
}

/** An entry with the thread above it and the replies under it (GET /api/nodes/<id>). */
export interface NodeDetail extends Node {
  ancestors: (NodePreview | HiddenNode)[];
  /** The first replies the reader may read, oldest first. */
  children: NodePreview[];
  /** How many replies the reader may read in all. */
  children_count: number;
  /** The `after` that gets the replies after `children` (GET …/children); null when all are here. */
  children_next: number | null;
  linked_node?: NodePreview;
}

/** A page of an entry's replies (GET /api/nodes/<id>/children). */
export interface RepliesPage {
  items: NodePreview[];
  /** The `after` of the next page; null after the last. */
  next: number | null;
}

/** A voice entry just uploaded: the entry and the job that transcribes it. */
export interface VoiceNode extends NodeDetail {
  task_id: string;
  transcription_status: JobStatus;
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

export interface ModelInfo {
  id: string;
  provider: string;
  display_name: string;
  usable: boolean;
}

export interface ModelCatalog {
  models: ModelInfo[];
  default: string | null;
}

export interface TokenTotals {
  tokens_today: number;
  tokens_all_time: number;
  global_tokens_today: number;
  global_daily_target: number;
}

export interface Dashboard extends TokenTotals {
  user: User;
  entries: Page<NodePreview>;
}

// --- Jobs ---------------------------------------------------------------------------------------

export type JobStatus = "pending" | "processing" | "completed" | "failed" | "cancelled";

/** What every job has, whatever its kind (GET /api/jobs/<task_id> and every status route). */
interface JobOfKind<K extends string, P, R> {
  task_id: string;
  kind: K;
  status: JobStatus;
  progress: number;
  stage: string | null;
  /** What went wrong, worded for the person who asked. */
  error: string | null;
  attempts: number;
  max_attempts: number;
  node_id: number | null;
  params: P | null;
  /** The kind's output, once completed. */
  result: R | null;
  queue: string;
  retry_of: string | null;
  cancel_requested: boolean;
  created_at: string | null;
  started_at: string | null;
  heartbeat_at: string | null;
  finished_at: string | null;
  /** The operator's detail (which setting or key is wrong); sent to administrators only. */
  error_detail?: string | null;
  /** Sent to administrators only. */
  user_id?: number;
  worker?: string | null;
  /** While it runs: an AI reply's or a profile's text so far. */
  partial_text?: string;
  /** While it runs: the read-aloud or transcript parts done so far. */
  parts?: JobPart[];
}

/** A finished part of a running job: read-aloud audio (`url`, `seconds`) or a transcript's `text`. */
export interface JobPart {
  task_id: string;
  kind: string;
  /** From 1. */
  index: number;
  count: number;
  url?: string;
  text?: string;
  seconds?: number;
}

/** The next piece of a job's text: `delta` starts at character `offset` (in Unicode code points). */
export interface TextPiece {
  task_id: string;
  node_id: number | null;
  offset: number;
  delta: string;
}

export interface ReplyResult {
  llm_node_id: number;
  model: string;
  total_tokens: number;
  input_tokens?: number;
  output_tokens?: number;
  entries_sent?: number;
  entries_left_out?: number;
  /** The reply, for the person who asked while they may read it; null when it is hidden. */
  node?: Node | null;
}

export interface ReadAloudResult {
  tts_url: string;
  provider: string;
  parts: number;
  cached: boolean;
}

export interface TranscriptionResult {
  parts: number;
  provider: string;
  duration_seconds: number | null;
  characters: number;
  /** The transcript, for the person who asked while they may read the entry. */
  content?: string | null;
}

export interface ProfileResult {
  profile_id: number;
  model: string;
  tokens_used: number;
  threads_included: number;
  included_tokens: number;
  max_tokens: number;
  /** The profile written, for its owner. */
  profile?: Profile | null;
}

export interface ExportResult {
  download_url: string;
  file: string;
  threads: number;
  bytes: number;
}

export type ReplyJob = JobOfKind<"llm_reply", { model: string }, ReplyResult>;
export type ReadAloudJob = JobOfKind<"tts", { provider: string }, ReadAloudResult>;
export type TranscriptionJob = JobOfKind<"transcription", { provider: string | null }, TranscriptionResult>;
export type ProfileJob = JobOfKind<"profile", { model: string; max_tokens: number }, ProfileResult>;
export type ExportJob = JobOfKind<"export_threads", Record<string, never>, ExportResult>;

/** A background job; `kind` tells which `result` it carries. */
export type Job = ReplyJob | ReadAloudJob | TranscriptionJob | ProfileJob | ExportJob;
export type JobKind = Job["kind"];

/** What starting a job answers (202). */
export interface Started {
  task_id: string;
  status: JobStatus;
}

export function isFinished(status: JobStatus): boolean {
  return status === "completed" || status === "failed" || status === "cancelled";
}

export function isHidden(node: NodePreview | HiddenNode): node is HiddenNode {
  return "hidden" in node && node.hidden === true;
}

// --- Threads ------------------------------------------------------------------------------------

/** The readable replies of an entry's parent, oldest first, and this entry's place among them. */
export interface Siblings {
  ids: number[];
  index: number;
}

/** Where an entry stands in a thread read as a conversation: how many replies it has, and its
 * branches to switch between. */
interface InThread {
  children_count: number;
  siblings: Siblings;
}

/** An entry of the path the caller could read but that was deleted: no text. */
export interface DeletedThreadEntry extends InThread {
  id: number;
  deleted: true;
  parent_id: number | null;
  author: string | null;
  node_type: string;
  created_at: string | null;
}

export type ThreadEntry = (Node & InThread) | DeletedThreadEntry | HiddenNode;

/** GET /api/nodes/<id>/thread: the path from the root to the entry, in parts from the entry up. */
export interface Conversation {
  node_id: number;
  depth: number;
  has_earlier: boolean;
  /** The `before` that gets the part above (null at the root). */
  earlier: number | null;
  entries: ThreadEntry[];
  /** The entry's first replies; `children_next` is the `after` of the rest (GET …/children). */
  children: NodePreview[];
  children_next: number | null;
}

/** One card of a journal grouped by thread (GET /api/threads). */
export interface ThreadCard {
  root: NodePreview;
  entry_count: number;
  last_activity_at: string | null;
}

// --- Account ------------------------------------------------------------------------------------

export interface Preferences {
  default_model: string | null;
  default_privacy: Privacy | null;
  default_ai_excluded: boolean | null;
  /** The web app's theme on every browser; null: never chosen, each browser keeps its own. */
  theme?: "system" | "light" | "dark" | null;
}

export interface ApiToken {
  id: number;
  name: string | null;
  created_at: string | null;
  last_used_at: string | null;
  revoked: boolean;
}
