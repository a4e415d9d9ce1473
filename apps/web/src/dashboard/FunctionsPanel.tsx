import { useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { functionsStore } from '../app-stores';
import { formatBytes, formatDateTime, functionNameFromFile, shortDigest } from '../format';

export function FunctionsPanel() {
  return (
    <section className="card" aria-labelledby="functions-title">
      <div className="card-head">
        <h2 id="functions-title">Functions</h2>
        <p className="hint">WebAssembly modules (WASI preview 1), content-addressed by SHA-256.</p>
      </div>
      <UploadForm />
      <FunctionsTable />
    </section>
  );
}

function UploadForm() {
  const upload = useStore(functionsStore, (s) => s.upload);
  const uploadFunction = useStore(functionsStore, (s) => s.uploadFunction);
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [version, setVersion] = useState('1');
  const [inputKey, setInputKey] = useState(0);

  const onFile = (picked: File | null) => {
    setFile(picked);
    if (picked !== null) setName(functionNameFromFile(picked.name));
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (file === null) return;
    const uploaded = await uploadFunction(file, name, version);
    if (uploaded !== undefined) {
      setFile(null);
      setInputKey((k) => k + 1);
    }
  };

  return (
    <form className="upload-form" onSubmit={(e) => void onSubmit(e)}>
      <label className="field grow">
        <span>Module (.wasm)</span>
        <input
          key={inputKey}
          data-testid="upload-file"
          type="file"
          accept=".wasm,application/wasm"
          onChange={(e) => onFile(e.target.files?.[0] ?? null)}
        />
      </label>
      <label className="field">
        <span>Name</span>
        <input data-testid="upload-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="hello" spellCheck={false} />
      </label>
      <label className="field narrow">
        <span>Version</span>
        <input data-testid="upload-version" value={version} onChange={(e) => setVersion(e.target.value)} spellCheck={false} />
      </label>
      <button data-testid="upload-submit" className="button primary" type="submit" disabled={file === null || upload.phase === 'uploading'}>
        {upload.phase === 'uploading' ? 'Uploading…' : 'Upload'}
      </button>
      {upload.message !== null && (
        <p data-testid="upload-message" className={`notice ${upload.phase === 'error' ? 'error' : 'success'} full`} role="status">
          {upload.message}
        </p>
      )}
    </form>
  );
}

function FunctionsTable() {
  const functions = useStore(functionsStore, (s) => s.functions);
  const status = useStore(functionsStore, (s) => s.status);
  const error = useStore(functionsStore, (s) => s.error);

  return (
    <>
      {error !== null && <p className="notice error">{error}</p>}
      <div className="table-wrap">
        <table data-testid="functions-table" className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Version</th>
              <th>Digest</th>
              <th className="num">Size</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {functions.map((f) => (
              <tr key={`${f.name}@${f.version}`} data-testid="function-row" data-name={f.name} data-version={f.version}>
                <td className="strong">{f.name}</td>
                <td className="mono">{f.version}</td>
                <td className="mono muted" title={f.digest}>
                  {shortDigest(f.digest)}
                </td>
                <td className="num">{formatBytes(f.size)}</td>
                <td className="muted">{formatDateTime(f.createdAt)}</td>
              </tr>
            ))}
            {functions.length === 0 && (
              <tr className="empty-row">
                <td colSpan={5}>{status === 'loading' ? 'Loading…' : status === 'error' ? 'Could not load the functions.' : 'No functions yet. Upload a .wasm module above.'}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </>
  );
}
