// Builds the dashboard into apps/web/dist with Vite, only when its inputs changed.
//
// `npm install` (prepare), `npm run build`, `npm start` and the browser tests all call this. A
// fingerprint of the inputs (the files under src/ and public/, index.html, vite.config.ts,
// package.json, and the installed versions of the web app's dependencies) is stored in
// dist/.fingerprint; when it matches, nothing is rebuilt, so calling it costs a few
// milliseconds. The build goes to a scratch folder first and replaces dist/ only when it is
// complete, and a lock folder keeps two callers (parallel test files) from building at once.
//
//   node apps/web/scripts/build.js [--force]
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = join(webDir, 'dist');
const fingerprintFile = join(distDir, '.fingerprint');
// Scratch space under node_modules/.cache, which git and the linters ignore.
const cacheDir = join(webDir, 'node_modules', '.cache', 'prahari-web');
const lockDir = join(cacheDir, 'build-lock');
const force = process.argv.includes('--force');

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

/** The installed version of a package, looked up as Node would from apps/web. */
function installedVersion(name) {
  for (let dir = webDir; ; dir = dirname(dir)) {
    const file = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).version;
    if (dirname(dir) === dir) return 'missing';
  }
}

function fingerprint() {
  const hash = createHash('sha256');
  const files = [
    ...listFiles(join(webDir, 'src')),
    ...listFiles(join(webDir, 'public')),
    join(webDir, 'index.html'),
    join(webDir, 'vite.config.ts'),
    join(webDir, 'package.json'),
  ]
    .filter((f) => !/\.test\.tsx?$/.test(f))
    .sort();
  for (const file of files) {
    hash.update(relative(webDir, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  const pkg = JSON.parse(readFileSync(join(webDir, 'package.json'), 'utf8'));
  const deps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).sort();
  for (const name of deps) hash.update(`${name}@${installedVersion(name)}\0`);
  return hash.digest('hex');
}

function upToDate(wanted) {
  return (
    existsSync(join(distDir, 'index.html')) &&
    existsSync(fingerprintFile) &&
    readFileSync(fingerprintFile, 'utf8').trim() === wanted
  );
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function acquireLock() {
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lockDir);
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // A lock left by a build that died is older than any real build takes.
      const age = Date.now() - statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs;
      if (age > 5 * 60_000) rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() - started > 10 * 60_000)
        throw new Error(`${lockDir} has been held for 10 minutes; remove it if no build runs`);
      else await sleep(200);
    }
  }
}

const wanted = fingerprint();
if (!force && upToDate(wanted)) {
  console.log('web: the dashboard in apps/web/dist is up to date');
  process.exit(0);
}

mkdirSync(cacheDir, { recursive: true });
await acquireLock();
try {
  // Someone else may have built it while we waited for the lock.
  if (!force && upToDate(wanted)) {
    console.log('web: the dashboard in apps/web/dist is up to date');
  } else {
    const started = Date.now();
    const scratch = join(cacheDir, `dist-${process.pid}`);
    const { build } = await import('vite');
    await build({
      root: webDir,
      configFile: join(webDir, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: scratch, emptyOutDir: true },
    });
    writeFileSync(join(scratch, '.fingerprint'), `${wanted}\n`);
    const old = join(cacheDir, `dist-old-${process.pid}`);
    if (existsSync(distDir)) renameSync(distDir, old);
    renameSync(scratch, distDir);
    rmSync(old, { recursive: true, force: true });
    console.log(`web: built the dashboard into apps/web/dist in ${Date.now() - started} ms`);
  }
} finally {
  rmSync(lockDir, { recursive: true, force: true });
}
