// For administrators: accounts to approve, deactivate or reactivate; recent failed jobs with the
// operator's error detail and a retry; the workers and how long each queue is; operations (queues,
// job kinds, workers' memory, Redis) with pausing a queue.
import { changeUser, failedJobs, getReadiness, listUsers, type Readiness } from "../api/admin";
import { retryJob } from "../api/jobs";
import { formatDate } from "../format";
import { useAction } from "../hooks/useAction";
import { useLoaded } from "../hooks/useLoaded";
import type { Job, User } from "../types";
import ErrorMessage from "./ErrorMessage";
import OperationsPanel from "./OperationsPanel";

const usersPage = () => listUsers().then((page) => page.items);
const jobsPage = () => failedJobs().then((page) => page.items);

function state(user: User): string {
  if (user.active === false) return "deactivated";
  if (user.approved === false) return "waiting for approval";
  return "active";
}

function AccountRow({ user, me, onChanged }: { user: User; me: User; onChanged: () => void }) {
  const { busy, error, run } = useAction();
  const act = (action: "approve" | "deactivate" | "reactivate") =>
    run(async () => {
      await changeUser(user.id, action);
      onChanged();
    });
  return (
    <tr data-user={user.username}>
      <td>
        {user.username}
        {user.is_admin && <span className="muted"> (administrator)</span>}
      </td>
      <td>{user.email ?? ""}</td>
      <td>{formatDate(user.created_at)}</td>
      <td>{state(user)}</td>
      <td>
        {user.approved === false && (
          <button type="button" className="small" disabled={busy} onClick={() => void act("approve")}>
            Approve
          </button>
        )}
        {user.active === false ? (
          <button type="button" className="secondary small" disabled={busy} onClick={() => void act("reactivate")}>
            Reactivate
          </button>
        ) : (
          user.id !== me.id && (
            <button type="button" className="secondary small" disabled={busy} onClick={() => void act("deactivate")}>
              Deactivate
            </button>
          )
        )}
        <ErrorMessage message={error} />
      </td>
    </tr>
  );
}

function FailedJob({ job, onRetried }: { job: Job; onRetried: () => void }) {
  const { busy, error, run } = useAction();
  return (
    <li className="card stack" data-task-id={job.task_id}>
      <div className="row">
        <strong>{job.kind}</strong>
        <span className="muted">
          {formatDate(job.finished_at ?? job.created_at)} · attempt {job.attempts} of {job.max_attempts}
          {job.user_id !== undefined && ` · user ${job.user_id}`}
        </span>
        <span className="spacer" />
        <button type="button" className="small" disabled={busy} onClick={() => void run(async () => {
          await retryJob(job.task_id);
          onRetried();
        })}>
          Retry
        </button>
      </div>
      <p>{job.error}</p>
      {job.error_detail && (
        <details>
          <summary>Error detail</summary>
          <pre className="error-detail">{job.error_detail}</pre>
        </details>
      )}
      <ErrorMessage message={error} />
    </li>
  );
}

function Workers({ readiness }: { readiness: Readiness }) {
  const workers = readiness.checks?.workers;
  return (
    <div className="stack">
      <p>
        The server is <strong>{readiness.status}</strong>.
      </p>
      {Object.entries(readiness.checks ?? {}).map(
        ([name, check]) =>
          check && !check.ok && (
            <p key={name} className="error">
              {name}: {check.error}
            </p>
          ),
      )}
      {workers?.workers && (
        <ul>
          {Object.entries(workers.workers).map(([name, queues]) => (
            <li key={name}>
              {name}: {queues.join(", ")}
            </li>
          ))}
        </ul>
      )}
      {readiness.queues && (
        <table className="admin-table">
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col">Waiting jobs</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(readiness.queues).map(([name, length]) => (
              <tr key={name}>
                <td>{name}</td>
                <td>{length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export default function AdminPage({ me }: { me: User }) {
  const users = useLoaded(usersPage);
  const jobs = useLoaded(jobsPage);
  const ready = useLoaded(getReadiness);

  if (!me.is_admin) {
    return (
      <main className="page">
        <h1 className="page-title">Administration</h1>
        <p>Only administrators can see this page.</p>
      </main>
    );
  }
  return (
    <main className="page admin stack">
      <h1 className="page-title">Administration</h1>
      <section className="card stack" aria-labelledby="admin-accounts">
        <h2 id="admin-accounts">Accounts</h2>
        <ErrorMessage message={users.error} />
        {users.data && (
          <table className="admin-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Joined</th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((user) => (
                <AccountRow key={user.id} user={user} me={me} onChanged={() => void users.reload()} />
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="stack" aria-labelledby="admin-jobs">
        <h2 id="admin-jobs">Recent failed jobs</h2>
        <ErrorMessage message={jobs.error} />
        {jobs.data?.length === 0 && <p className="muted">No job has failed.</p>}
        <ul className="admin-jobs stack">
          {jobs.data?.map((job) => <FailedJob key={job.task_id} job={job} onRetried={() => void jobs.reload()} />)}
        </ul>
      </section>
      <section className="card stack" aria-labelledby="admin-workers">
        <div className="row">
          <h2 id="admin-workers">Workers and queues</h2>
          <span className="spacer" />
          <button type="button" className="secondary small" onClick={() => void ready.reload()}>
            Check again
          </button>
        </div>
        <ErrorMessage message={ready.error} />
        {ready.data && <Workers readiness={ready.data} />}
      </section>
      <OperationsPanel />
    </main>
  );
}
