import { describe, expect, it } from 'vitest';
import { shownState, toggleRow, toggleShown } from './selection';

const order = ['a', 'b', 'c', 'd', 'e'];
const set = (...ids: string[]) => new Set(ids);

describe('choosing rows', () => {
  it('toggles one row on a plain click', () => {
    expect([...toggleRow(set(), order, 'c', null, false)]).toEqual(['c']);
    expect([...toggleRow(set('c', 'd'), order, 'c', 'd', false)]).toEqual(['d']);
  });

  it('sets the range from the anchor to the row shift-clicked, in either direction', () => {
    expect([...toggleRow(set('b'), order, 'd', 'b', true)].sort()).toEqual(['b', 'c', 'd']);
    expect([...toggleRow(set('d'), order, 'a', 'd', true)].sort()).toEqual(['a', 'b', 'c', 'd']);
    // shift-clicking a chosen row clears the range
    expect([...toggleRow(set('a', 'b', 'c', 'd'), order, 'b', 'd', true)]).toEqual(['a']);
  });

  it('toggles the one row when the anchor is gone from the list (or there is none)', () => {
    expect([...toggleRow(set(), order, 'c', 'zz', true)]).toEqual(['c']);
    expect([...toggleRow(set(), order, 'c', null, true)]).toEqual(['c']);
  });

  it('chooses every row shown from the header, or none once all are', () => {
    const shown = ['b', 'c'];
    expect(shownState(set('a'), shown)).toBe('none');
    expect(shownState(set('b'), shown)).toBe('some');
    expect([...toggleShown(set('a', 'b'), shown)].sort()).toEqual(['a', 'b', 'c']);
    expect(shownState(set('a', 'b', 'c'), shown)).toBe('all');
    expect([...toggleShown(set('a', 'b', 'c'), shown)]).toEqual(['a']);
    expect(shownState(set(), [])).toBe('none');
  });
});
