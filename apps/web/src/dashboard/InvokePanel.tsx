import { useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { functionsStore, invokeStore } from '../app-stores';
import { EMPTY_DRAFT, guestPathFor, type InvokeDraft } from '../stores/invoke-request';
import { ResultPanel } from './ResultPanel';


export function InvokePanel() {
  return (
    <section className="card" aria-labelledby="invoke-title">
      <div className="card-head">
        <h2 id="invoke-title">Invoke</h2>
        <p className="hint">Run a function once on a volunteer node and see its output.</p>
      </div>
      <div className="invoke-grid">
        <InvokeForm />
        <ResultPanel />
      </div>
    </section>
  );
}

function InvokeForm() {
  const functions = useStore(functionsStore, (s) => s.functions);
  const phase = useStore(invokeStore, (s) => s.phase);
  const run = useStore(invokeStore, (s) => s.run);
  const cancel = useStore(invokeStore, (s) => s.cancel);
  const [draft, setDraft] = useState<InvokeDraft>(EMPTY_DRAFT);
  const [files, setFiles] = useState<File[]>([]);

  const refs = functions.map((f) => `${f.name}@${f.version}`);
  // Follow the list until the user picks: the newest upload is the likeliest thing to run.
  const selected = refs.includes(draft.functionRef) ? draft.functionRef : (refs[0] ?? '');
  const edit = (patch: Partial<InvokeDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void run({ ...draft, functionRef: selected }, files);
  };

  return (
    <form className="invoke-form" onSubmit={onSubmit}>
      <label className="field">
        <span>Function</span>
        <select data-testid="invoke-function" value={selected} onChange={(e) => edit({ functionRef: e.target.value })}>
          {refs.length === 0 && <option value="">No functions uploaded</option>}
          {refs.map((ref) => (
            <option key={ref} value={ref}>
              {ref}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Standard input</span>
        <textarea
          data-testid="invoke-stdin"
          className="mono"
          rows={4}
          value={draft.stdin}
          onChange={(e) => edit({ stdin: e.target.value })}
          spellCheck={false}
        />
      </label>
      <div className="field-pair">
        <label className="field">
          <span>
            Arguments <small>one per line</small>
          </span>
          <textarea
            data-testid="invoke-args"
            className="mono"
            rows={3}
            value={draft.argsText}
            onChange={(e) => edit({ argsText: e.target.value })}
            spellCheck={false}
          />
        </label>
        <label className="field">
          <span>
            Environment <small>KEY=VALUE per line</small>
          </span>
          <textarea
            data-testid="invoke-env"
            className="mono"
            rows={3}
            value={draft.envText}
            onChange={(e) => edit({ envText: e.target.value })}
            spellCheck={false}
          />
        </label>
      </div>
      <div className="field-pair">
        <label className="field">
          <span>
            Files <small>mounted under /input</small>
          </span>
          <input data-testid="invoke-files" type="file" multiple onChange={(e) => setFiles(Array.from(e.target.files ?? []))} />
        </label>
        <label className="field">
          <span>
            Replicas <small>verify on several nodes</small>
          </span>
          <input
            data-testid="invoke-replicas"
            inputMode="numeric"
            value={draft.replicasText}
            onChange={(e) => edit({ replicasText: e.target.value })}
            placeholder="1"
          />
        </label>
      </div>
      <div className="field-trio">
        <label className="field">
          <span>
            Timeout <small>ms</small>
          </span>
          <input
            data-testid="invoke-timeout"
            inputMode="numeric"
            value={draft.timeoutText}
            onChange={(e) => edit({ timeoutText: e.target.value })}
            placeholder="30000"
          />
        </label>
        <label className="field">
          <span>
            Memory <small>MiB</small>
          </span>
          <input
            data-testid="invoke-memory"
            inputMode="numeric"
            value={draft.memoryText}
            onChange={(e) => edit({ memoryText: e.target.value })}
            placeholder="256"
          />
        </label>
        <label className="field">
          <span>
            Fuel <small>instructions</small>
          </span>
          <input
            data-testid="invoke-fuel"
            inputMode="numeric"
            value={draft.fuelText}
            onChange={(e) => edit({ fuelText: e.target.value })}
            placeholder="unlimited"
          />
        </label>
      </div>
      {files.length > 0 && (
        <ul className="file-list mono">
          {files.map((f) => (
            <li key={f.name}>{guestPathFor(f.name)}</li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button data-testid="invoke-submit" className="button primary" type="submit" disabled={selected === '' || phase === 'running'}>
          {phase === 'running' ? 'Running…' : 'Run'}
        </button>
        {phase === 'running' && (
          <button type="button" className="button ghost" onClick={cancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
