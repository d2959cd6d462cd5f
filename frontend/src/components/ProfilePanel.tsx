// The latest profile; estimate what an AI would read, and have it write a new one with the chosen
// model, or write it by hand. A profile being written grows where it will stand, as the model
// writes it. The earlier ones are listed below it.
import { useEffect, useState } from "react";
import { messageOf } from "../api/client";
import { latestProfileJob } from "../api/jobs";
import { estimateProfile, generateProfile, getProfile, saveProfile } from "../api/profile";
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
import ProfileHistory, { writtenBy } from "./ProfileHistory";

/** The newer of two profiles (one loaded, one just written by a job). */
function newest(a: Profile | null, b: Profile | null | undefined): Profile | null {
  if (!a || !b) return a ?? b ?? null;
  return b.id > a.id ? b : a;
}

export default function ProfilePanel() {
  const { catalog, error: modelsError, model, setModel } = useModelChoice();
  const [profile, setProfile] = useState<Profile | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [estimate, setEstimate] = useState<ProfileEstimate | null>(null);
  // A profile still being written (or that failed) when this page was left, shown again.
  const [taskId, setTaskId] = useFollowedJob(latestProfileJob, "profile");
  const { busy, error, setError, run } = useAction();
  const { job, text } = useLiveJob(taskId);
  const [editing, setEditing] = useState<string | null>(null); // the text being written by hand
  const [saved, setSaved] = useState(0); // bumped when a profile is added: the history loads again

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

  const save = () =>
    run(async () => {
      setProfile(await saveProfile(editing ?? ""));
      setEditing(null);
      setSaved((n) => n + 1);
    });

  const profileJob = job?.kind === "profile" ? job : null;
  const writing = profileJob && !isFinished(profileJob.status) && text ? text : null;
  // The profile the job wrote, when it is newer than the one loaded before.
  const shown = newest(profile, profileJob?.status === "completed" ? profileJob.result?.profile : null);

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
        <JobProgress key={taskId} taskId={taskId} label="Profile" onRetried={setTaskId} onCompleted={() => setSaved((n) => n + 1)} />
      )}
      {editing !== null ? (
        <form
          className="profile-editor"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <textarea aria-label="Your profile" value={editing} onChange={(e) => setEditing(e.target.value)} rows={12} />
          <div className="row">
            <button type="submit" disabled={busy || !editing.trim()}>
              Save profile
            </button>
            <button type="button" className="secondary" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : writing ? (
        <article className="profile" aria-busy="true">
          <p className="muted">Being written by {profileJob?.params?.model ?? "the model"}…</p>
          <Markdown className="profile-text" text={writing} />
        </article>
      ) : shown ? (
        <article className="profile">
          <p className="muted">
            Written by {writtenBy(shown)} on {formatDate(shown.created_at)}
            {shown.tokens_used > 0 && ` · ${pluralize(shown.tokens_used, "token")}`}
          </p>
          <Markdown className="profile-text" text={shown.content} />
        </article>
      ) : (
        loaded && <p className="muted">You have no profile yet.</p>
      )}
      {editing === null && !writing && loaded && (
        <div className="row">
          <button type="button" className="secondary" onClick={() => setEditing(shown?.content ?? "")}>
            {shown ? "Edit by hand" : "Write it yourself"}
          </button>
        </div>
      )}
      {loaded && <ProfileHistory key={saved} currentId={shown?.id ?? null} />}
    </section>
  );
}
