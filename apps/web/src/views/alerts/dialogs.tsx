import { useState } from 'react';
import type { Resolution } from '../../api/types';
import { Dialog } from '../../components/ui';

export function CloseDialog({
  subject,
  resolution,
  onCancel,
  onConfirm,
}: {
  /** what is closed: the alert's title, or how many alerts */
  subject: string;
  resolution: Resolution;
  onCancel: () => void;
  onConfirm: (note: string) => Promise<void>;
}) {
  const [note, setNote] = useState('');
  const label = resolution === 'true_positive' ? 'true positive' : 'false positive';
  return (
    <Dialog title={`Close as ${label}`} onClose={onCancel}>
      <form
        method="dialog"
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void onConfirm(note.trim());
        }}
      >
        <p>
          <strong>{subject}</strong>
          <br />
          <span className="muted">
            {resolution === 'true_positive'
              ? 'A real attack or misuse: it was acted on.'
              : 'Not an attack: say why, so the next analyst (and the audit trail) knows.'}
          </span>
        </p>
        <label>
          Note{' '}
          <span className="muted small">
            (optional, kept with the alert and in the audit trail)
          </span>
          <input
            name="note"
            autoFocus
            value={note}
            maxLength={2000}
            onChange={(e) => setNote(e.target.value)}
            placeholder={
              resolution === 'false_positive'
                ? 'e.g. our own VAPT scanner'
                : 'e.g. blocked at the firewall'
            }
          />
        </label>
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            Cancel
          </button>
          <button
            type="submit"
            className={resolution === 'true_positive' ? 'btn btn-bad' : 'btn btn-primary'}
          >
            Close as {label}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

const NAV_KEYS: [string, string][] = [
  ['j / ↓', 'next alert'],
  ['k / ↑', 'previous alert'],
  ['Enter', 'open the alert (or a rule group)'],
  ['Esc', 'close the alert'],
  ['/', 'filter by rule title'],
  ['g', 'group by rule, then by asset, then not'],
  ['?', 'this help'],
];
const WORK_KEYS: [string, string][] = [
  ['a', 'acknowledge'],
  ['t', 'close as true positive (asks for a note)'],
  ['f', 'close as false positive (asks for a note)'],
  ['i', 'create an incident from the alert, or add it to one'],
  [
    'x',
    'choose the alert (shift-click the boxes for a range); with alerts chosen, a t f i act on them all',
  ],
];

export function ShortcutHelp({ mayWork, onClose }: { mayWork: boolean; onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <table className="simple shortcuts">
        <tbody>
          {[...NAV_KEYS, ...(mayWork ? WORK_KEYS : [])].map(([key, what]) => (
            <tr key={key}>
              <td>
                <kbd>{key}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!mayWork && <p className="muted small">Your role can read alerts but not change them.</p>}
    </Dialog>
  );
}
