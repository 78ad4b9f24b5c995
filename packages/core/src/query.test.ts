import { describe, expect, it } from 'vitest';
import { QuerySyntaxError, parseQuery } from './query.js';

describe('search query language', () => {
  it('parses field matches, free text and phrases, ANDed by juxtaposition', () => {
    expect(parseQuery('user.name:root "Failed password" sshd')).toEqual({
      type: 'and',
      items: [
        { type: 'field', field: 'user.name', op: 'eq', value: 'root', quoted: false },
        { type: 'text', value: 'Failed password', phrase: true },
        { type: 'text', value: 'sshd', phrase: false },
      ],
    });
  });

  it('gives NOT precedence over AND over OR, with parentheses to group', () => {
    expect(parseQuery('a:1 OR b:2 AND NOT c:3')).toEqual({
      type: 'or',
      items: [
        { type: 'field', field: 'a', op: 'eq', value: '1', quoted: false },
        {
          type: 'and',
          items: [
            { type: 'field', field: 'b', op: 'eq', value: '2', quoted: false },
            {
              type: 'not',
              item: { type: 'field', field: 'c', op: 'eq', value: '3', quoted: false },
            },
          ],
        },
      ],
    });
    expect(parseQuery('(cs-method:POST OR cs-method:PUT) -c-uri:/login')).toMatchObject({
      type: 'and',
      items: [{ type: 'or' }, { type: 'not', item: { field: 'c-uri', value: '/login' } }],
    });
  });

  it('parses comparisons written field>=v or field:>=v', () => {
    expect(parseQuery('destination.port>=1024')).toEqual({
      type: 'field',
      field: 'destination.port',
      op: 'gte',
      value: '1024',
      quoted: false,
    });
    expect(parseQuery('sc-status:>499')).toMatchObject({
      field: 'sc-status',
      op: 'gt',
      value: '499',
    });
    expect(parseQuery('@timestamp<2026-11-25T10:00:00Z')).toMatchObject({
      field: '@timestamp',
      op: 'lt',
      value: '2026-11-25T10:00:00Z',
    });
  });

  it('keeps wildcards and quoted field values', () => {
    expect(parseQuery('source.ip:10.0.*')).toMatchObject({ value: '10.0.*' });
    expect(parseQuery('c-useragent:"sqlmap/1.7 (http://sqlmap.org)"')).toEqual({
      type: 'field',
      field: 'c-useragent',
      op: 'eq',
      value: 'sqlmap/1.7 (http://sqlmap.org)',
      quoted: true,
    });
    expect(parseQuery('path:C\\:\\\\Windows')).toMatchObject({ value: 'C:\\\\Windows' });
  });

  it('an empty query matches everything', () => {
    expect(parseQuery('   ')).toEqual({ type: 'all' });
  });

  it.each([
    ['user.name:', 10, /needs a value after the colon/],
    ['(a:1 OR b:2', 0, /never closed/],
    ['a:1)', 3, /closing parenthesis without an opening/],
    ['a:1 AND', 7, /AND needs a term after it/],
    ['OR a:1', 0, /OR needs a term before it/],
    ['"unclosed phrase', 0, /quote is never closed/],
    ['port>=', 6, /needs a value to compare with/],
    [':x', 0, /field name is missing/],
  ])('points at the error in %j', (query, position, message) => {
    try {
      parseQuery(query);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(QuerySyntaxError);
      expect((err as QuerySyntaxError).position).toBe(position);
      expect((err as QuerySyntaxError).message).toMatch(message);
      expect((err as QuerySyntaxError).status).toBe(400);
    }
  });
});
