import { useStore } from 'zustand';
import { volunteerStore } from '../app-stores';
import { REGIONS } from '../region';
import { isActive } from '../stores/volunteer-store';
import { RecentTasks } from './RecentTasks';
import { VolunteerStatus } from './VolunteerStatus';

export function VolunteerPage() {
  const snapshot = useStore(volunteerStore, (s) => s.snapshot);
  const region = useStore(volunteerStore, (s) => s.region);
  const loading = useStore(volunteerStore, (s) => s.loading);
  const loadError = useStore(volunteerStore, (s) => s.loadError);
  const { setRegion, start, stop, reload } = volunteerStore.getState();

  const active = isActive(snapshot.phase);
  const cores = snapshot.cores > 0 ? snapshot.cores : navigator.hardwareConcurrency;

  return (
    <div className="stack">
      <section className="card intro" aria-labelledby="contribute-title">
        <h1 id="contribute-title">Lend this tab's spare CPU</h1>
        <p className="lede">
          While this tab is open and contributing, it runs small compute tasks for developers using Tabgrid.
        </p>
        <ul className="assurances">
          <li>
            <strong>What runs</strong>
            Developers' WebAssembly functions, inside your browser's sandbox, in background workers.
          </li>
          <li>
            <strong>What it cannot touch</strong>
            Your files, your network, your camera or microphone, or your other tabs. A task only sees the input it was sent.
          </li>
          <li>
            <strong>How much</strong>
            Up to {cores} CPU {cores === 1 ? 'core' : 'cores'}, and only while this tab is open.
          </li>
          <li>
            <strong>How to stop</strong>
            Press Stop or close the tab, at any time. Nothing keeps running afterwards.
          </li>
        </ul>
        <div className="controls">
          <label className="field inline">
            <span>Region</span>
            <select
              data-testid="volunteer-region"
              value={region}
              disabled={active || loading}
              onChange={(e) => setRegion(e.target.value)}
            >
              {REGIONS.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.label}
                </option>
              ))}
            </select>
          </label>
          {active ? (
            <button data-testid="volunteer-stop" className="button danger large" type="button" onClick={stop}>
              Stop
            </button>
          ) : (
            <button data-testid="volunteer-start" className="button primary large" type="button" disabled={loading} onClick={() => void start()}>
              {loading ? 'Starting…' : snapshot.phase === 'idle' ? 'Start contributing' : 'Start again'}
            </button>
          )}
        </div>
        {loadError !== null && (
          <p className="notice error" role="alert">
            Could not start: {loadError}
          </p>
        )}
      </section>

      {snapshot.phase === 'refused' && (
        <section className="card refused" role="alert">
          <h2>The server turned this tab away</h2>
          <p data-testid="volunteer-message">{snapshot.message ?? 'No reason was given.'}</p>
          <p className="hint">This usually means the page is older than the server. Reloading fetches the current version.</p>
          <button data-testid="volunteer-reload" className="button primary" type="button" onClick={reload}>
            Reload
          </button>
        </section>
      )}

      <VolunteerStatus snapshot={snapshot} />
      <RecentTasks tasks={snapshot.recent} />
    </div>
  );
}
