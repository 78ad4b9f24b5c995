import { describe, expect, it } from 'vitest';

import { getField } from './fields.js';

describe('getField', () => {
  it('prefers an exact dotted key over a nested path', () => {
    expect(getField({ 'source.ip': '10.0.0.1', source: { ip: '10.9.9.9' } }, 'source.ip')).toBe(
      '10.0.0.1',
    );
  });

  it('walks nested objects', () => {
    const event = { Event: { EventData: { TargetUserName: 'alice' } } };
    expect(getField(event, 'Event.EventData.TargetUserName')).toBe('alice');
  });

  it('handles dotted keys inside nested objects', () => {
    expect(getField({ source: { 'geo.country': 'IN' } }, 'source.geo.country')).toBe('IN');
  });

  it('returns undefined for missing fields, through arrays and scalars alike', () => {
    expect(getField({ a: 1 }, 'b')).toBeUndefined();
    expect(getField({ a: 1 }, 'a.b')).toBeUndefined();
    expect(getField({ a: [{ b: 1 }] }, 'a.b')).toBeUndefined();
  });

  it('does not read inherited properties', () => {
    expect(getField({}, 'constructor')).toBeUndefined();
    expect(getField({ a: {} }, 'a.toString')).toBeUndefined();
  });
});
