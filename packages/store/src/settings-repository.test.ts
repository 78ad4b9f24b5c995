import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from './store.js';

let store: Store;

beforeEach(async () => {
  store = Store.open({ driver: 'sqlite', path: ':memory:' });
  await store.migrate();
});
afterEach(() => store.close());

describe('settings repository', () => {
  it('has nothing for a key never set', async () => {
    expect(await store.settings.get('reporting')).toBeNull();
  });

  it('keeps a JSON value per key with who set it, and replaces it when set again', async () => {
    const first = {
      key: 'reporting',
      value: { organisation: 'Pune Municipal Corporation', contact: { name: 'A. Kulkarni' } },
      updatedBy: 'admin',
      updatedAt: '2026-03-14T04:00:00.000Z',
    };
    await store.settings.put(first);
    await store.settings.put({ key: 'other', value: [1, 2], updatedBy: 'x', updatedAt: 'y' });
    expect(await store.settings.get('reporting')).toEqual(first);

    const second = {
      key: 'reporting',
      value: { organisation: 'पुणे महानगरपालिका' },
      updatedBy: 'ciso',
      updatedAt: '2026-03-15T04:00:00.000Z',
    };
    await store.settings.put(second);
    expect(await store.settings.get('reporting')).toEqual(second);
    expect((await store.settings.get('other'))?.value).toEqual([1, 2]);
  });
});
