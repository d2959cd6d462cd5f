// The latest profile; estimate what an AI would read, and have it write a new one.
import { useEffect, useState } from "react";
import { ApiError, api, messageOf } from "../api";
import { formatDate, formatNumber, pluralize } from "../format";
import { useAction } from "../hooks/useAction";
import { useModelChoice } from "../hooks/useModels";
import type { Job, Profile, ProfileEstimate, Started } from "../types";
import ErrorMessage from "./ErrorMessage";
import JobProgress from "./JobProgress";
import ModelPicker from "./ModelPicker";

export default function ProfilePanel() {
  const { catalog, error: modelsError, model, setModel } = useModelChoice();
  const [profile, setProfile] = useState<Profile | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [estimate, setEstimate] = useState<ProfileEstimate | null>(null);
  const [taskId, setTaskId] = useState<string | null>(null);
  const { busy, error, setError, run } = useAction();

  useEffect(() => {
    api.get<Profile>("/api/profile").then(
      (p) => {
        setProfile(p);
        setLoaded(true);
      },
      (err) => {
        if (!(err instanceof ApiError && err.status === 404)) setError(messageOf(err));
        setLoaded(true);
      },
    );
  }, []);

  const estimateTokens = () => run(async () => setEstimate(await api.post<ProfileEstimate>("/api/export/estimate_profile_tokens")));

  const generate = () =>
    run(async () => {
      const started = await api.post<Started>("/api/export/generate_profile", model ? { model } : {});
      setTaskId(started.task_id);
    });

  const completed = (job: Job) => {
    const written = job.profile as Profile | null | undefined;
    if (written) setProfile(written);
  };

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
        <JobProgress
          key={taskId}
          taskId={taskId}
          label="Profile"
          statusUrl={(id) => `/api/export/profile-status/${id}`}
          onCompleted={completed}
        />
      )}
      {profile ? (
        <article className="profile">
          <p className="muted">
            Written by {profile.generated_by === "user" ? "you" : profile.generated_by} on {formatDate(profile.created_at)}
            {profile.tokens_used > 0 && ` · ${pluralize(profile.tokens_used, "token")}`}
          </p>
          <div className="profile-text">{profile.content}</div>
        </article>
      ) : (
        loaded && <p className="muted">You have no profile yet.</p>
      )}
    </section>
  );
}
