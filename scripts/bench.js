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
// The heap limit `npm start` gives the server: V8's default grows with the machine's memory (4 GB
// on a 24 GB one), and with it the garbage it lets pile up between full collections.
const HEAP_LIMIT = '--max-old-space-size=768';
let failed = false;
for (const bench of benches) {
  if (!existsSync(bench)) continue;
  console.log(`\n=== ${bench} ===`);
  const res = spawnSync(process.execPath, ['--expose-gc', HEAP_LIMIT, bench], { stdio: 'inherit' });
  if (res.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
