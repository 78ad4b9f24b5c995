// `npm run bench`: each package's benchmark in its own process (so memory figures are its own).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const benches = [
  'packages/ingest/dist/bench.js',
  'packages/sigma/dist/bench.js',
  'packages/store/dist/bench.js',
  'packages/core/dist/impact/bench.js',
  'apps/server/dist/bench.js',
  'apps/server/dist/detection-bench.js',
  'apps/server/dist/modules/indicators/bench.js',
  'apps/server/dist/demo-bench.js',
];
let failed = false;
for (const bench of benches) {
  if (!existsSync(bench)) continue;
  console.log(`\n=== ${bench} ===`);
  const res = spawnSync(process.execPath, ['--expose-gc', bench], { stdio: 'inherit' });
  if (res.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
