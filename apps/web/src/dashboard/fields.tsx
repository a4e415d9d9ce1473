import type { ReactNode } from 'react';
import type { FunctionInfo } from '@tabgrid/protocol';

/** The function refs a form offers, and the one in effect: the draft's, else the newest upload. */
export function functionChoice(functions: readonly FunctionInfo[], draftRef: string): { refs: string[]; selected: string } {
  const refs = functions.map((f) => `${f.name}@${f.version}`);
  // Follow the list until the user picks: the newest upload is the likeliest thing to run.
  return { refs, selected: refs.includes(draftRef) ? draftRef : (refs[0] ?? '') };
}

function Label({ label, hint }: { label: string; hint: string | undefined }): ReactNode {
  return hint === undefined ? <span>{label}</span> : (
    <span>
      {label} <small>{hint}</small>
    </span>
  );
}

export function FunctionSelect(props: { testId: string; refs: string[]; value: string; onChange: (ref: string) => void }) {
  return (
    <label className="field">
      <span>Function</span>
      <select data-testid={props.testId} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.refs.length === 0 && <option value="">No functions uploaded</option>}
        {props.refs.map((ref) => (
          <option key={ref} value={ref}>
            {ref}
          </option>
        ))}
      </select>
    </label>
  );
}

export function TextAreaField(props: {
  testId: string;
  label: string;
  hint?: string;
  rows: number;
  value: string;
  onChange: (text: string) => void;
}) {
  return (
    <label className="field">
      <Label label={props.label} hint={props.hint} />
      <textarea
        data-testid={props.testId}
        className="mono"
        rows={props.rows}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        spellCheck={false}
      />
    </label>
  );
}

/** Whole numbers typed as text: the request builders parse and explain bad input. */
export function NumberField(props: {
  testId: string;
  label: string;
  hint?: string;
  placeholder: string;
  value: string;
  onChange: (text: string) => void;
}) {
  return (
    <label className="field">
      <Label label={props.label} hint={props.hint} />
      <input
        data-testid={props.testId}
        inputMode="numeric"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        placeholder={props.placeholder}
      />
    </label>
  );
}
