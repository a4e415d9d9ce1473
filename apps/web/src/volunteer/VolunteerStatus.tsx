import type { VolunteerPhase, VolunteerSnapshot } from './agent';

const PHASE_TEXT: Record<VolunteerPhase, string> = {
  idle: 'Not contributing. Press Start when you are ready.',
  connecting: 'Connecting to the Tabgrid server…',
  connected: 'Connected. Waiting for tasks.',
  reconnecting: 'Connection lost. Trying again…',
  refused: 'The server refused this tab.',
  stopped: 'Stopped. Nothing is running.',
};

export function VolunteerStatus({ snapshot }: { snapshot: VolunteerSnapshot }) {
  const working = snapshot.phase === 'connected' && snapshot.running > 0;
  return (
    <section className="card" aria-labelledby="status-title">
      <div className="card-head">
        <h2 id="status-title">Status</h2>
        <p className="hint">{working ? `Running ${snapshot.running} ${snapshot.running === 1 ? 'task' : 'tasks'}.` : PHASE_TEXT[snapshot.phase]}</p>
      </div>
      <dl className="facts status-grid">
        <div>
          <dt>Phase</dt>
          <dd>
            <span className={`badge phase-${snapshot.phase}`} data-testid="volunteer-phase">
              {snapshot.phase}
            </span>
          </dd>
        </div>
        <div>
          <dt>Transport</dt>
          <dd>
            <span className={snapshot.transport === null ? 'mono' : `badge ${snapshot.transport}`} data-testid="volunteer-transport">
              {snapshot.transport ?? '—'}
            </span>
            {snapshot.transport === 'webrtc' && <span className="muted small"> direct data channel</span>}
            {snapshot.transport === 'relay' && <span className="muted small"> relayed via the server</span>}
          </dd>
        </div>
        <div className="wide">
          <dt>Node id</dt>
          <dd className="mono" data-testid="volunteer-node-id">
            {snapshot.nodeId === '' ? '—' : snapshot.nodeId}
          </dd>
        </div>
        <div>
          <dt>Cores</dt>
          <dd className="mono">{snapshot.cores > 0 ? snapshot.cores : '—'}</dd>
        </div>
        <div>
          <dt>Running</dt>
          <dd className="mono" data-testid="volunteer-running">
            {snapshot.running}
          </dd>
        </div>
        <div>
          <dt>Completed</dt>
          <dd className="mono" data-testid="volunteer-completed">
            {snapshot.completed}
          </dd>
        </div>
        <div>
          <dt>Failed</dt>
          <dd className="mono" data-testid="volunteer-failed">
            {snapshot.failed}
          </dd>
        </div>
      </dl>
      {snapshot.message !== null && snapshot.phase !== 'refused' && (
        <p className="notice warn" data-testid="volunteer-message">
          {snapshot.message}
        </p>
      )}
    </section>
  );
}
