// Legal clocks on screen: one shared one-second tick, and a chip per clock coloured by state.
import { useSyncExternalStore } from 'react';
import type { LegalClock } from '../../api/incidents';
import { clockText, dutyLabel, liveClock } from '../../lib/incidents';
import { formatTime } from '../../lib/time';

let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void) {
  listeners.add(listener);
  timer ??= setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, 1000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The time now, advancing every second while something on screen counts down. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}

export function ClockChip({ clock, wide = false }: { clock: LegalClock; wide?: boolean }) {
  const live = liveClock(clock, useNow());
  const due = `${clock.title}: due ${formatTime(clock.dueAt)}${
    clock.statutoryDeadline ? '' : " (the city's own target: the law says without delay)"
  }${clock.reportedAt ? `; reported ${formatTime(clock.reportedAt)} by ${clock.reportedBy}` : ''}`;
  return (
    <span className={`clock clock-${live.state}`} title={due} data-duty={clock.duty}>
      <span className="clock-duty">{wide ? clock.title : dutyLabel(clock.duty)}</span>{' '}
      <span className="clock-time" role="timer">
        {clockText(live)}
      </span>
    </span>
  );
}

export function Clocks({ clocks }: { clocks: LegalClock[] }) {
  if (!clocks.length) return null;
  return (
    <span className="clocks">
      {clocks.map((c) => (
        <ClockChip key={c.duty} clock={c} />
      ))}
    </span>
  );
}
