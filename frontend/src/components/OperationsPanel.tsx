// For administrators: the running system (queues, job kinds over 24 h, workers, Redis, the oldest
// pending job) and pausing a queue for maintenance: its jobs wait, none is lost.
import { getOperations, setQueuePaused, type Operations, type QueueState } from "../api/operations";
import { useAction } from "../hooks/useAction";
import { useLoaded } from "../hooks/useLoaded";
import ErrorMessage from "./ErrorMessage";

const MIB = 1024 * 1024;

export const mib = (bytes: number | null | undefined) => (bytes == null ? "–" : `${(bytes / MIB).toFixed(1)} MiB`);
export const seconds = (value: number | null) => (value == null ? "–" : `${value.toFixed(1)} s`);
export const percent = (rate: number | null) => (rate == null ? "–" : `${Math.round(rate * 100)} %`);

function QueueRow({ queue, onChanged }: { queue: QueueState; onChanged: () => void }) {
  const { busy, error, run } = useAction();
  const toggle = () =>
    run(async () => {
      await setQueuePaused(queue.name, !queue.paused);
      onChanged();
    });
  return (
    <tr data-queue={queue.name}>
      <th scope="row">{queue.name}</th>
      <td>{queue.waiting}</td>
      <td>{queue.running}</td>
      <td>{queue.failed_24h}</td>
      <td>{queue.messages ?? "–"}</td>
      <td>{queue.paused ? "paused" : "running"}</td>
      <td>
        <button
          type="button"
          className="secondary small"
          disabled={busy}
          aria-label={`${queue.paused ? "Resume" : "Pause"} the ${queue.name} queue`}
          onClick={() => void toggle()}
        >
          {queue.paused ? "Resume" : "Pause"}
        </button>
        <ErrorMessage message={error} />
      </td>
    </tr>
  );
}

function Details({ ops, reload }: { ops: Operations; reload: () => void }) {
  return (
    <div className="stack">
      <h3>Queues</h3>
      <table className="admin-table">
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Waiting</th>
            <th scope="col">Running</th>
            <th scope="col">Failed (24 h)</th>
            <th scope="col">Messages</th>
            <th scope="col">State</th>
            <th scope="col">Maintenance</th>
          </tr>
        </thead>
        <tbody>
          {ops.queues.map((queue) => (
            <QueueRow key={queue.name} queue={queue} onChanged={reload} />
          ))}
        </tbody>
      </table>
      <p>
        Oldest waiting job:{" "}
        {ops.oldest_pending
          ? `${ops.oldest_pending.kind} on ${ops.oldest_pending.queue}, waiting ${seconds(ops.oldest_pending.age_seconds)}`
          : "none"}
      </p>
      <h3>Jobs in the last 24 hours</h3>
      {ops.kinds.length === 0 ? (
        <p className="muted">No job ended in the last 24 hours.</p>
      ) : (
        <table className="admin-table">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Completed</th>
              <th scope="col">Failed</th>
              <th scope="col">Cancelled</th>
              <th scope="col">Success rate</th>
              <th scope="col">Median time</th>
              <th scope="col">95th percentile</th>
            </tr>
          </thead>
          <tbody>
            {ops.kinds.map((kind) => (
              <tr key={kind.kind} data-kind={kind.kind}>
                <th scope="row">{kind.kind}</th>
                <td>{kind.completed}</td>
                <td>{kind.failed}</td>
                <td>{kind.cancelled}</td>
                <td>{percent(kind.success_rate)}</td>
                <td>{seconds(kind.median_seconds)}</td>
                <td>{seconds(kind.p95_seconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Workers</h3>
      {!ops.workers.ok && <p className="error">{ops.workers.error}</p>}
      {ops.workers.ok && ops.workers.list.length === 0 && <p className="error">No worker answered.</p>}
      <ul className="stack">
        {ops.workers.list.map((worker) => (
          <li key={worker.name} data-worker={worker.name}>
            <strong>{worker.name}</strong>: {worker.queues.join(", ")} · {worker.processes} processes · memory{" "}
            {worker.memory_bytes != null ? mib(worker.memory_bytes) : `peak ${mib(worker.max_rss_bytes)}`} ·{" "}
            {worker.current_jobs.length === 0
              ? "idle"
              : `running ${worker.current_jobs.map((job) => job.kind).join(", ")}`}
          </li>
        ))}
      </ul>
      <h3>Redis</h3>
      {ops.redis.ok ? (
        <p>
          Memory used {mib(ops.redis.used_memory_bytes)}
          {ops.redis.maxmemory_bytes ? ` of ${mib(ops.redis.maxmemory_bytes)}` : " (no limit)"} · policy{" "}
          {ops.redis.maxmemory_policy}
        </p>
      ) : (
        <p className="error">{ops.redis.error}</p>
      )}
    </div>
  );
}

export default function OperationsPanel() {
  const { data: ops, error, reload } = useLoaded(getOperations);
  return (
    <section className="card stack" aria-labelledby="admin-operations">
      <div className="row">
        <h2 id="admin-operations">Operations</h2>
        <span className="spacer" />
        <button type="button" className="secondary small" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      <ErrorMessage message={error} />
      {ops ? <Details ops={ops} reload={() => void reload()} /> : !error && <p className="muted">Asking the workers…</p>}
    </section>
  );
}
