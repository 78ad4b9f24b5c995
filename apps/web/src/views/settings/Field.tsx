// A labelled input whose server-side problem is shown under it and tied to it for screen readers.
import { useId, type InputHTMLAttributes, type ReactNode } from 'react';

export function Field({
  label,
  hint,
  error,
  multiline = false,
  value,
  onChange,
  ...input
}: {
  label: ReactNode;
  hint?: ReactNode;
  /** what the server said is wrong with this value */
  error?: string | undefined;
  multiline?: boolean;
  value: string;
  onChange: (value: string) => void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  const errorId = useId();
  const common = {
    value,
    'aria-invalid': error !== undefined,
    'aria-describedby': error !== undefined ? errorId : undefined,
  };
  // The problem sits outside the label, so the field's accessible name stays its label alone.
  return (
    <div className={error !== undefined ? 'field has-error' : 'field'}>
      <label>
        <span>
          {label}
          {hint && <span className="muted small"> {hint}</span>}
        </span>
        {multiline ? (
          <textarea
            {...common}
            rows={3}
            disabled={input.disabled}
            required={input.required}
            onChange={(e) => onChange(e.target.value)}
          />
        ) : (
          <input {...input} {...common} onChange={(e) => onChange(e.target.value)} />
        )}
      </label>
      {error !== undefined && (
        <span className="field-error" id={errorId}>
          {error}
        </span>
      )}
    </div>
  );
}
