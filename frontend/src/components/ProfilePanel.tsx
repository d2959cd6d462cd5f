// The latest profile; estimate what an AI would read, and have it write a new one. A profile being
// written grows where it will stand, as the model writes it.
import { useEffect, useState } from "react";
import { messageOf } from "../api/client";
import { latestProfileJob } from "../api/jobs";
import { estimateProfile, generateProfile, getProfile } from "../api/profile";
import { formatDate, formatNumber, pluralize } from "../format";
import { useAction } from "../hooks/useAction";
import { useLiveJob } from "../hooks/useEvents";
import { useFollowedJob } from "../hooks/useFollowedJob";
import { useModelChoice } from "../hooks/useModels";
import { isFinished, type Profile, type ProfileEstimate } from "../types";
import ErrorMessage from "./ErrorMessage";
import JobProgress from "./JobProgress";
import Markdown from "./Markdown";
import ModelPicker from "./ModelPicker";

export default function ProfilePanel() {
  const { catalog, error: modelsError, model, setModel } = useModelChoice();
  const [profile, setProfile] = useState<Profile | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [estimate, setEstimate] = useState<ProfileEstimate | null>(null);
  // A profile still being written (or that failed) when this page was left, shown again.
  const [taskId, setTaskId] = useFollowedJob(latestProfileJob, "profile");
  const { busy, error, setError, run } = useAction();
  const { job, text } = useLiveJob(taskId);

  useEffect(() => {
    getProfile().then(
      (p) => {
        setProfile(p);
        setLoaded(true);
      },
      (err) => {
        setError(messageOf(err));
        setLoaded(true);
      },
    );
  }, [setError]);

  const estimateTokens = () => run(async () => setEstimate(await estimateProfile()));

  const generate = () =>
    run(async () => {
      const started = await generateProfile(model || undefined);
      setTaskId(started.task_id);
    });

  const profileJob = job?.kind === "profile" ? job : null;
  const writing = profileJob && !isFinished(profileJob.status) && text ? text : null;
  // The profile the job wrote is the newest: shown in place of the one loaded before.
  const shown = (profileJob?.status === "completed" && profileJob.result?.profile) || profile;

  return (
    <section className="card panel" aria-label="Profile">
      <h2>Your profile</h2>
      <p className="muted">An AI model reads your threads, newest first, and writes a portrait of you as a writer.</p>
      <div className="row">
        <button type="button" className="secondary" onClick={estimateTokens} disabled={busy}>
          Estimate
        </button>
        <ModelPicker catalog={catalog} value={model} onChange={setModel} />
        <button type="button" onClick={generate} disabled={busy || !catalog}>
          Generate my profile
        </button>
      </div>
      <ErrorMessage message={modelsError} />
      <ErrorMessage message={error} />
      {estimate && (
        <p className="estimate">
          Your writing comes to {pluralize(estimate.total_tokens, "token")} in {pluralize(estimate.threads_total, "thread")}. The profile
          would read {formatNumber(estimate.included_tokens)} of them ({pluralize(estimate.threads_included, "thread")}), within its budget of{" "}
          {formatNumber(estimate.max_tokens)}.
        </p>
      )}
      {taskId && (
        <JobProgress key={taskId} taskId={taskId} label="Profile" onRetried={setTaskId} />
      )}
      {writing ? (
        <article className="profile" aria-busy="true">
          <p className="muted">Being written by {profileJob?.params?.model ?? "the model"}…</p>
          <Markdown className="profile-text" text={writing} />
        </article>
      ) : shown ? (
        <article className="profile">
          <p className="muted">
            Written by {shown.generated_by === "user" ? "you" : shown.generated_by} on {formatDate(shown.created_at)}
            {shown.tokens_used > 0 && ` · ${pluralize(shown.tokens_used, "token")}`}
          </p>
          <Markdown className="profile-text" text={shown.content} />
        </article>
      ) : (
        loaded && <p className="muted">You have no profile yet.</p>
      )}
    </section>
  );
}
