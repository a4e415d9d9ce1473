import { useEffect } from 'react';
import { useStore } from 'zustand';
import { nodesStore } from '../app-stores';
import { formatClock } from '../format';

export function NetworkPanel() {
  const nodes = useStore(nodesStore, (s) => s.nodes);
  const status = useStore(nodesStore, (s) => s.status);
  const error = useStore(nodesStore, (s) => s.error);
  const updatedAt = useStore(nodesStore, (s) => s.updatedAt);
  const watch = useStore(nodesStore, (s) => s.watch);

  useEffect(() => watch(), [watch]);

  const cores = nodes.reduce((sum, n) => sum + n.cores, 0);
  const running = nodes.reduce((sum, n) => sum + n.running, 0);

  return (
    <section className="card" aria-labelledby="network-title">
      <div className="card-head">
        <h2 id="network-title">Network</h2>
        <p className="hint">
          {nodes.length} {nodes.length === 1 ? 'node' : 'nodes'} · {cores} cores · {running} running
          {updatedAt !== null && <> · updated {formatClock(updatedAt)}</>}
        </p>
      </div>
      {error !== null && <p className="notice error">{error}</p>}
      <div className="table-wrap">
        <table data-testid="nodes-table" className="table">
          <thead>
            <tr>
              <th>Node</th>
              <th>Region</th>
              <th className="num">Cores</th>
              <th>State</th>
              <th>Transport</th>
              <th className="num">Running</th>
              <th className="num">Completed</th>
              <th className="num">Score</th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((n) => (
              <tr key={n.id} data-testid="node-row" data-node-id={n.id} data-transport={n.transport} data-state={n.state}>
                <td className="mono" title={n.userAgent}>
                  {n.id}
                </td>
                <td>{n.region}</td>
                <td className="num">{n.cores}</td>
                <td>
                  <span className={`badge state-${n.state}`}>{n.state}</span>
                </td>
                <td>
                  {n.transport === 'relay' ? (
                    <span className="badge relay" title="ICE failed; messages flow over the signaling WebSocket">
                      relayed
                    </span>
                  ) : (
                    <span className="badge webrtc">WebRTC</span>
                  )}
                </td>
                <td className="num">{n.running}</td>
                <td className="num">{n.completed}</td>
                <td className="num">{n.score.toFixed(2)}</td>
              </tr>
            ))}
            {nodes.length === 0 && (
              <tr className="empty-row">
                <td colSpan={8}>
                  {status === 'loading' || status === 'idle' ? (
                    'Loading…'
                  ) : (
                    <>
                      No volunteers connected. Open <a href="/contribute">/contribute</a> in a tab to add one.
                    </>
                  )}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
