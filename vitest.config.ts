import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The workspace packages are imported as built (tsc -b runs first): Node loads their dist
    // natively instead of Vite transforming and evaluating every file again in each test file.
    server: { deps: { external: [/\/(?:packages|apps)\/[^/]+\/dist\//] } },
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
          // Most of these tests wait on a child process, a server or the disk, so one file per
          // core (Vitest's default keeps a core free, which leaves one of two idle).
          maxWorkers: availableParallelism(),
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          // Chromium and the server it drives take the whole machine: one file at a time, after
          // the rest.
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
