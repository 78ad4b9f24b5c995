import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { systemClock } from '@prahari/core';
import { DEFAULT_SEED, SCENARIOS, demoCity, importDocument } from '@prahari/demo-city';
import { AssetService, loadDemoCity, type AssetImportResult } from '@prahari/server/core';
import type { AssetRecord } from '@prahari/store';
import { cliPrincipal, globalOptions, reportErrors, withServices } from '../context.js';
import { printJson, printTable } from '../output.js';
import { callServer, remoteFrom, type RemoteOptions } from '../remote.js';
import { intFlag } from './simulate.js';

interface LoadSummary {
  ownersCreated: string[];
  imported: boolean;
  import: AssetImportResult | null;
}

/** The same load as the server's, over the API of a running server (role admin). */
async function loadRemote(remote: Required<RemoteOptions>, seed: number): Promise<LoadSummary> {
  const city = demoCity(seed);
  const users = (await callServer(remote, 'GET', '/api/v1/users')) as { username: string }[];
  const have = new Set(users.map((u) => u.username));
  const ownersCreated: string[] = [];
  for (const owner of city.owners) {
    if (have.has(owner.username)) continue;
    await callServer(remote, 'POST', '/api/v1/users', {
      data: JSON.stringify({
        username: owner.username,
        displayName: owner.displayName,
        department: owner.department,
        role: 'owner',
        password: randomBytes(24).toString('base64url'),
      }),
      contentType: 'application/json',
    });
    ownersCreated.push(owner.username);
  }
  const wanted = new Set(city.assets.map((a) => a.name));
  let found = 0;
  for (let cursor: string | null = ''; cursor !== null;) {
    const page = (await callServer(
      remote,
      'GET',
      `/api/v1/assets?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    )) as { assets: AssetRecord[]; nextCursor: string | null };
    found += page.assets.filter((a) => wanted.has(a.name)).length;
    cursor = page.nextCursor;
  }
  if (found === wanted.size) return { ownersCreated, imported: false, import: null };
  const result = (await callServer(remote, 'POST', '/api/v1/assets/import', {
    data: JSON.stringify({ format: 'json', text: JSON.stringify(importDocument(city)) }),
    contentType: 'application/json',
  })) as AssetImportResult;
  return { ownersCreated, imported: true, import: result };
}

export function registerDemoCommand(program: Command): void {
  const demo = program
    .command('demo')
    .description('the Demo City: a simulated smart city for demos, drills and load tests');

  demo
    .command('load')
    .description(
      "put the Demo City's assets, services, dependencies and department owners into the register (once: loading again changes nothing)",
    )
    .option('--seed <n>', 'which city (same seed, same city)', String(DEFAULT_SEED))
    .option('--server <url>', 'a running server instead of the local data directory')
    .option('--api-key <key>', 'API key (role admin: it creates the owners) for --server')
    .action(
      reportErrors(async (flags: RemoteOptions & { seed: string }, command: Command) => {
        const opts = globalOptions(command);
        const seed = intFlag(flags.seed, '--seed', 0);
        const remote = remoteFrom(flags);
        const result = remote
          ? await loadRemote(remote, seed)
          : await withServices(opts, (services, store) =>
              loadDemoCity(
                {
                  users: services.users,
                  assets: new AssetService(store, services.audit, systemClock),
                  store,
                },
                { principal: cliPrincipal(), ip: null },
                demoCity(seed),
              ),
            );
        if (opts.json) return printJson(result);
        const city = demoCity(seed);
        process.stdout.write(
          result.imported
            ? `Loaded the Demo City: ${result.import!.assets.added} assets added (${result.import!.assets.updated} updated), ${result.import!.services.added} city services, ${result.import!.edges.added} dependencies.\n`
            : `The Demo City is already in the register (${city.assets.length} assets); nothing imported.\n`,
        );
        if (result.ownersCreated.length > 0)
          process.stdout.write(
            `Department owners created (role owner; set a password to let one sign in: prahari user passwd NAME): ${result.ownersCreated.join(', ')}\n`,
          );
        process.stdout.write(
          `The city's rules need its SCADA masters and camera networks (detection.placeholders):\n` +
            `  scada_masters: ${city.placeholders.scada_masters.join(', ')}\n` +
            `  camera_networks: ${city.placeholders.camera_networks.join(', ')}\n` +
            `(prahari serve --demo sets them when they are not configured.)\n`,
        );
      }),
    );

  demo
    .command('scenarios')
    .description('the attack scenarios a drill can run, with what each expects')
    .action(
      reportErrors((_flags: unknown, command: Command) => {
        const opts = globalOptions(command);
        const city = demoCity(DEFAULT_SEED);
        const rows = SCENARIOS.map((s) => {
          const run = s.build(city, DEFAULT_SEED);
          return {
            name: s.name,
            title: s.title,
            story: s.story,
            lines: run.steps.length,
            expects: run.expected.map((e) =>
              e.match.kind === 'rule'
                ? `${e.match.rule.title} (${e.match.rule.pack})`
                : `known-bad ${e.match.value} on each of ${e.assets.length} assets`,
            ),
          };
        });
        if (opts.json) printJson(rows);
        else {
          printTable(
            ['NAME', 'TITLE', 'LINES'],
            rows.map((r) => [r.name, r.title, String(r.lines)]),
          );
          for (const r of rows)
            process.stdout.write(`\n${r.name}: ${r.story}\n  expects: ${r.expects.join('; ')}\n`);
        }
        return Promise.resolve();
      }),
    );
}
