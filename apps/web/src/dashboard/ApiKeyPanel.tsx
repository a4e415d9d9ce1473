import { useState } from 'react';
import { useStore } from 'zustand';
import { session } from '../app-stores';

export function ApiKeyPanel() {
  const apiKey = useStore(session, (s) => s.apiKey);
  const rejected = useStore(session, (s) => s.rejected);
  const setApiKey = useStore(session, (s) => s.setApiKey);
  const [revealed, setRevealed] = useState(false);

  return (
    <section className="card key-card" aria-labelledby="key-title">
      {/* A form so password managers and Enter behave; the key applies as it is typed. */}
      <form className="key-row" onSubmit={(e) => e.preventDefault()}>
        <label id="key-title" className="key-label" htmlFor="api-key">
          API key
        </label>
        <input
          id="api-key"
          data-testid="api-key"
          className="mono key-input"
          type={revealed ? 'text' : 'password'}
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
          placeholder="Paste the key the server printed at startup"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={rejected}
          aria-describedby="key-help"
        />
        <button type="button" className="button ghost" onClick={() => setRevealed(!revealed)}>
          {revealed ? 'Hide' : 'Show'}
        </button>
      </form>
      {rejected ? (
        <p id="key-help" className="notice error" role="alert" data-testid="api-key-error">
          {apiKey === '' ? 'The server needs the developer API key (401 Unauthorized).' : 'The server rejected this API key (401 Unauthorized).'}{' '}
          Paste the key the server printed at startup, or open the dashboard link it printed (
          <span className="mono">…/#key=…</span>).
        </p>
      ) : (
        <p id="key-help" className="hint">
          {apiKey === ''
            ? 'Uploading and invoking need the developer key. Open the dashboard link the server printed, or paste the key here.'
            : 'Stored in this browser only.'}
        </p>
      )}
    </section>
  );
}
