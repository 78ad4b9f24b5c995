import { describe, expect, it } from 'vitest';
import { sourceClock } from './sources';

const MIN = 60_000;

describe('sourceClock', () => {
  it('calls a clock on time within the minute correlations allow', () => {
    expect(sourceClock(-1_500, null)).toEqual({ text: 'on time', off: false });
    expect(sourceClock(40_000, 'UTC')).toEqual({ text: 'on time', off: false });
    expect(sourceClock(null, null)).toEqual({ text: '—', off: false });
  });

  it('recognises India’s local time written without a zone, and says what to set', () => {
    expect(sourceClock(330 * MIN - 3_000, null)).toEqual({
      text: '5 h 30 min ahead',
      off: true,
      hint: 'Local time written without a zone? Set its time zone to Asia/Kolkata.',
    });
    // Read in the server's default zone, a device writing UTC is off the other way: only a whole
    // zone can be named, not which one the device writes in.
    expect(sourceClock(-330 * MIN, null).hint).toBe(
      'Off by -05:30, a whole time zone: if the device writes local time without a zone, set the source’s time zone to the device’s own.',
    );
  });

  it('asks for NTP when the offset is no whole time zone, and names the difference when it is', () => {
    expect(sourceClock(-(2 * MIN + 10_000), null)).toEqual({
      text: '2 min 10 s behind',
      off: true,
      hint: 'Correlations leave its events out: set its clock by NTP.',
    });
    expect(sourceClock(7 * MIN, 'Asia/Kolkata')).toMatchObject({
      text: '7 min ahead',
      hint: 'Set its clock by NTP.',
    });
    expect(sourceClock(330 * MIN, 'Asia/Kolkata').hint).toMatch(
      /^Off by \+05:30, a whole time zone/,
    );
  });
});
