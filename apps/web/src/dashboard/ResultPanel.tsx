import { useStore } from 'zustand';
import { invokeStore } from '../app-stores';
import { formatBytes, formatDuration } from '../format';

export function ResultPanel() {
  const phase = useStore(invokeStore, (s) => s.phase);
  const ranFunction = useStore(invokeStore, (s) => s.ranFunction);
  const result = useStore(invokeStore, (s) => s.result);
  const error = useStore(invokeStore, (s) => s.error);

  if (phase === 'idle') {
    return (
      <div className="result empty" data-testid="result">
        <p className="hint">The result appears here: status, exit code, the nodes that ran it, stdout and stderr.</p>
      </div>
    );
  }
  if (phase === 'running') {
    return (
      <div className="result empty" data-testid="result" aria-busy="true">
        <p className="hint">
          <span className="spinner" aria-hidden="true" /> Running <span className="mono">{ranFunction}</span>…
        </p>
      </div>
    );
  }
  if (phase === 'error' || result === null) {
    return (
      <div className="result" data-testid="result">
        <p className="notice error" data-testid="result-error" role="alert">
          {error ?? 'The request failed.'}
        </p>
      </div>
    );
  }
  return (
    <div className="result" data-testid="result">
      <div className="result-head">
        <span className={`badge status-${result.status}`} data-testid="result-status">
          {result.status}
        </span>
        <span className="mono muted">{ranFunction}</span>
      </div>
      <dl className="facts">
        <div>
          <dt>Exit code</dt>
          <dd className="mono" data-testid="result-exit-code">
            {result.exitCode ?? '—'}
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd data-testid="result-duration" data-ms={result.durationMs}>
            {formatDuration(result.durationMs)}
          </dd>
        </div>
        <div>
          <dt>Fuel used</dt>
          <dd className="mono">{result.fuelUsed.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Verified</dt>
          <dd data-testid="result-verified">{result.verified ? 'yes' : 'no'}</dd>
        </div>
        <div className="wide">
          <dt>{result.nodes.length === 1 ? 'Node' : 'Nodes'}</dt>
          <dd className="mono" data-testid="result-nodes">
            {result.nodes.length === 0 ? '—' : result.nodes.join(', ')}
          </dd>
        </div>
      </dl>
      {result.truncated && <p className="notice warn">Output was truncated by the server.</p>}
      <h3 className="stream-title">stdout</h3>
      <pre className="output" data-testid="result-stdout">
        {result.stdout}
      </pre>
      <h3 className="stream-title">stderr</h3>
      <pre className="output stderr" data-testid="result-stderr">
        {result.stderr}
      </pre>
      <OutputFiles files={result.files} />
    </div>
  );
}

/** Files the guest wrote under /output/, each downloadable. */
function OutputFiles({ files }: { files: Record<string, string> }) {
  const paths = Object.keys(files).sort();
  if (paths.length === 0) return null;
  return (
    <>
      <h3 className="stream-title">output files</h3>
      <ul className="output-files" data-testid="result-files">
        {paths.map((path) => (
          <li key={path}>
            <a className="mono" download={path.split('/').pop()} href={`data:application/octet-stream;base64,${files[path]}`}>
              {path}
            </a>{' '}
            <span className="muted">{formatBytes(Math.floor(((files[path]?.length ?? 0) * 3) / 4))}</span>
          </li>
        ))}
      </ul>
    </>
  );
}
