import { formatClock, formatDuration } from '../format';
import type { RecentTask } from './agent';

export function RecentTasks({ tasks }: { tasks: readonly RecentTask[] }) {
  return (
    <section className="card" aria-labelledby="recent-title">
      <div className="card-head">
        <h2 id="recent-title">Recent tasks</h2>
        <p className="hint">Tasks this tab ran, newest first (the last 20 are kept).</p>
      </div>
      <div className="table-wrap">
        <table className="table" data-testid="volunteer-recent">
          <thead>
            <tr>
              <th>Time</th>
              <th>Function</th>
              <th>Status</th>
              <th className="num">Duration</th>
              <th>Task</th>
            </tr>
          </thead>
          <tbody>
            {tasks.map((t) => (
              <tr key={`${t.taskId}-${t.at}`} data-testid="recent-task">
                <td className="muted">{formatClock(t.at)}</td>
                <td className="strong">{t.functionName}</td>
                <td>
                  <span className={`badge status-${t.status}`}>{t.status}</span>
                </td>
                <td className="num">{formatDuration(t.durationMs)}</td>
                <td className="mono muted">{t.taskId}</td>
              </tr>
            ))}
            {tasks.length === 0 && (
              <tr className="empty-row">
                <td colSpan={5}>No tasks yet.</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
