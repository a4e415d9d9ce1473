import { useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { functionsStore, invokeStore } from '../app-stores';
import { EMPTY_DRAFT, guestPathFor, type InvokeDraft } from '../stores/invoke-request';
import { FunctionSelect, functionChoice, NumberField, TextAreaField } from './fields';
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

  const { refs, selected } = functionChoice(functions, draft.functionRef);
  const edit = (patch: Partial<InvokeDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void run({ ...draft, functionRef: selected }, files);
  };

  return (
    <form className="invoke-form" onSubmit={onSubmit}>
      <FunctionSelect testId="invoke-function" refs={refs} value={selected} onChange={(functionRef) => edit({ functionRef })} />
      <TextAreaField testId="invoke-stdin" label="Standard input" rows={4} value={draft.stdin} onChange={(stdin) => edit({ stdin })} />
      <div className="field-pair">
        <TextAreaField
          testId="invoke-args"
          label="Arguments"
          hint="one per line"
          rows={3}
          value={draft.argsText}
          onChange={(argsText) => edit({ argsText })}
        />
        <TextAreaField
          testId="invoke-env"
          label="Environment"
          hint="KEY=VALUE per line"
          rows={3}
          value={draft.envText}
          onChange={(envText) => edit({ envText })}
        />
      </div>
      <div className="field-pair">
        <label className="field">
          <span>
            Files <small>mounted under /input</small>
          </span>
          <input data-testid="invoke-files" type="file" multiple onChange={(e) => setFiles(Array.from(e.target.files ?? []))} />
        </label>
        <NumberField
          testId="invoke-replicas"
          label="Replicas"
          hint="verify on several nodes"
          placeholder="1"
          value={draft.replicasText}
          onChange={(replicasText) => edit({ replicasText })}
        />
      </div>
      <div className="field-trio">
        <NumberField testId="invoke-timeout" label="Timeout" hint="ms" placeholder="30000" value={draft.timeoutText} onChange={(timeoutText) => edit({ timeoutText })} />
        <NumberField testId="invoke-memory" label="Memory" hint="MiB" placeholder="256" value={draft.memoryText} onChange={(memoryText) => edit({ memoryText })} />
        <NumberField testId="invoke-fuel" label="Fuel" hint="instructions" placeholder="unlimited" value={draft.fuelText} onChange={(fuelText) => edit({ fuelText })} />
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
