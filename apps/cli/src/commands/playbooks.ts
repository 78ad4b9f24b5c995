import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parsePlaybook, type PlaybookProblem } from '@prahari/server/core';
import { globalOptions, reportErrors } from '../context.js';
import { fail, printJson, printTable } from '../output.js';
import { callServer, remoteFrom, type RemoteOptions } from '../remote.js';

interface RunView {
  id: string;
  playbookId: string;
  status: string;
  startedAt: string;
  subject: { title: string };
  steps: {
    step: number;
    action: string;
    status: string;
    inputs: Record<string, unknown> | null;
    approvedBy: string | null;
    error: string | null;
  }[];
}

interface PlaybookView {
  id: string;
  title: string;
  origin: string;
  enabled: boolean;
  trigger: Record<string, unknown>;
  steps: { action: string; needsApproval: boolean }[];
}

/** Runs need the server that carries them out: these commands always go through its API. */
function serverFrom(options: RemoteOptions): Required<RemoteOptions> {
  const remote = remoteFrom(options);
  if (!remote)
    fail(
      'playbook runs live in the running server: add --server URL --api-key KEY (an analyst key)',
      2,
    );
  return remote;
}

const withServer = (cmd: Command) =>
  cmd
    .option('--server <url>', 'the running Prahari server, e.g. http://127.0.0.1:7700')
    .option('--api-key <key>', 'API key of an analyst or admin');

function printRuns(runs: RunView[]): void {
  printTable(
    ['STARTED', 'PLAYBOOK', 'STATUS', 'WAITING STEP', 'SUBJECT', 'RUN'],
    runs.map((r) => {
      const waiting = r.steps.find((s) => s.status === 'awaiting-approval');
      return [
        r.startedAt.replace(/\.\d+Z$/, 'Z'),
        r.playbookId,
        r.status,
        waiting ? `${waiting.step} ${waiting.action} ${JSON.stringify(waiting.inputs)}` : '-',
        r.subject.title.length > 60 ? `${r.subject.title.slice(0, 57)}…` : r.subject.title,
        r.id,
      ];
    }),
  );
}

export function registerPlaybooksCommand(program: Command): void {
  const playbooks = program
    .command('playbooks')
    .description('response playbooks: check files, list, and approve or reject waiting steps');

  playbooks
    .command('check')
    .description('check playbook files as the server would; every problem with line and column')
    .argument('<files...>', 'playbook YAML files')
    .action((files: string[], _options: unknown, command: Command) => {
      const json = globalOptions(command).json ?? false;
      const report = files.map((file) => {
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (err) {
          fail(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code}`, 2);
        }
        const r = parsePlaybook(text);
        return r.ok
          ? { file, valid: true, id: r.playbook.id, errors: [] as PlaybookProblem[] }
          : { file, valid: false, id: null, errors: r.errors };
      });
      if (json) printJson(report);
      else
        for (const r of report) {
          if (r.valid) process.stdout.write(`${r.file}: ok (${r.id})\n`);
          for (const e of r.errors)
            process.stdout.write(`${r.file}:${e.line}:${e.column}: ${e.path}: ${e.message}\n`);
        }
      if (report.some((r) => !r.valid)) process.exitCode = 1;
    });

  withServer(playbooks.command('list').description('playbooks on the server')).action(
    reportErrors(async (options: RemoteOptions, command: Command) => {
      const list = (await callServer(
        serverFrom(options),
        'GET',
        '/api/v1/playbooks',
      )) as PlaybookView[];
      if (globalOptions(command).json) return printJson(list);
      printTable(
        ['ID', 'ENABLED', 'ORIGIN', 'TRIGGER', 'STEPS', 'TITLE'],
        list.map((p) => [
          p.id,
          p.enabled ? 'yes' : 'no',
          p.origin,
          String(p.trigger.on),
          p.steps.map((s) => `${s.action}${s.needsApproval ? '*' : ''}`).join(' '),
          p.title,
        ]),
      );
      process.stderr.write("* waits for an analyst's approval\n");
    }),
  );

  withServer(
    playbooks
      .command('upload <file>')
      .description('upload a playbook to the server (checked there too)')
      .option('--replace', 'replace the uploaded playbook with the same id')
      .option('--disabled', 'upload it disabled'),
  ).action(
    reportErrors(
      async (
        file: string,
        options: RemoteOptions & { replace?: boolean; disabled?: boolean },
        command: Command,
      ) => {
        let yaml: string;
        try {
          yaml = readFileSync(file, 'utf8');
        } catch (err) {
          fail(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code}`, 2);
        }
        const saved = (await callServer(serverFrom(options), 'POST', '/api/v1/playbooks', {
          data: JSON.stringify({
            yaml,
            ...(options.replace && { replace: true }),
            ...(options.disabled && { enabled: false }),
          }),
          contentType: 'application/json',
        })) as PlaybookView;
        if (globalOptions(command).json) return printJson(saved);
        process.stdout.write(
          `playbook ${saved.id} saved, ${saved.enabled ? 'enabled' : 'disabled'}: ${saved.title}\n`,
        );
      },
    ),
  );

  for (const verb of ['enable', 'disable'] as const) {
    withServer(
      playbooks
        .command(`${verb} <id>`)
        .description(
          verb === 'enable'
            ? "let a playbook's trigger start runs (Prahari's own playbooks ship disabled)"
            : "stop a playbook's trigger from starting runs",
        ),
    ).action(
      reportErrors(async (id: string, options: RemoteOptions, command: Command) => {
        const result = (await callServer(
          serverFrom(options),
          'POST',
          `/api/v1/playbooks/${encodeURIComponent(id)}/${verb}`,
          { data: '{}', contentType: 'application/json' },
        )) as PlaybookView;
        if (globalOptions(command).json) return printJson(result);
        process.stdout.write(`playbook ${result.id} ${verb}d\n`);
      }),
    );
  }

  withServer(
    playbooks
      .command('runs')
      .description('playbook runs, newest first; --waiting for those waiting for approval')
      .option('--waiting', 'only runs waiting for an approval')
      .option('--playbook <id>', 'runs of one playbook')
      .option('--limit <n>', 'how many', '50'),
  ).action(
    reportErrors(
      async (
        options: RemoteOptions & { waiting?: boolean; playbook?: string; limit: string },
        command: Command,
      ) => {
        const params = new URLSearchParams({
          limit: String(Math.max(1, Math.min(500, Number(options.limit) || 50))),
          ...(options.waiting && { status: 'awaiting-approval' }),
          ...(options.playbook && { playbook: options.playbook }),
        });
        const runs = (await callServer(
          serverFrom(options),
          'GET',
          `/api/v1/playbook-runs?${params.toString()}`,
        )) as RunView[];
        if (globalOptions(command).json) return printJson(runs);
        if (runs.length === 0) {
          process.stderr.write('no runs\n');
          return;
        }
        printRuns(runs);
      },
    ),
  );

  for (const verb of ['approve', 'reject'] as const) {
    withServer(
      playbooks
        .command(`${verb} <run> <step>`)
        .description(
          verb === 'approve'
            ? 'approve a waiting step: the run goes on, acting as you'
            : 'reject a waiting step: the run stops there',
        )
        .option('--note <text>', 'why, kept with the decision and in the audit trail'),
    ).action(
      reportErrors(
        async (
          run: string,
          step: string,
          options: RemoteOptions & { note?: string },
          command: Command,
        ) => {
          if (!/^\d+$/.test(step)) fail(`<step> is the step's number from 1, not '${step}'`, 2);
          const result = (await callServer(
            serverFrom(options),
            'POST',
            `/api/v1/playbook-runs/${encodeURIComponent(run)}/steps/${step}/${verb}`,
            {
              data: JSON.stringify(options.note ? { note: options.note } : {}),
              contentType: 'application/json',
            },
          )) as RunView;
          if (globalOptions(command).json) return printJson(result);
          const s = result.steps[Number(step) - 1]!;
          process.stdout.write(
            `step ${s.step} (${s.action}) ${verb === 'approve' ? 'approved' : 'rejected'} by ${s.approvedBy}; the run is ${result.status}\n`,
          );
        },
      ),
    );
  }
}
