import type { ReactNode } from 'react';
import { CopyButton, Notice, Panel } from '../../components/ui';

/** A secret Prahari shows only in the answer that made it (an API key, a webhook's secret). */
export function SecretOnce({
  title,
  secret,
  label,
  keeps,
  children,
  onDone,
}: {
  title: string;
  secret: string;
  /** the accessible name of the secret, e.g. "API key secret" */
  label: string;
  /** where it goes and what Prahari keeps of it */
  keeps: string;
  /** how to use it */
  children: ReactNode;
  onDone: () => void;
}) {
  return (
    <Panel title={title} className="secret-once">
      <Notice tone="warn">This is the only time the secret is shown. {keeps}</Notice>
      <div className="secret">
        <code aria-label={label}>{secret}</code>
        <CopyButton text={secret} />
      </div>
      <p className="muted small">{children}</p>
      <button type="button" className="btn" onClick={onDone}>
        I have stored it
      </button>
    </Panel>
  );
}
