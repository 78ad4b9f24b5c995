import type { FastifyInstance } from 'fastify';
import { SYSTEM_PRINCIPAL, systemClock, type Clock } from '@prahari/core';
import { RawArchive } from '@prahari/ingest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '@prahari/store';
import { buildApp } from './app.js';
import type { Config } from './config/index.js';
import { InstanceLock, StartupError, prepareDataDir } from './datadir.js';
import { openStore } from './open-store.js';
import { createServices, type Services } from './services.js';
import { Metrics } from './http/metrics.js';
import { IngestPipeline } from './modules/ingest/pipeline.js';
import { SourceService } from './modules/sources/service.js';
import { RetentionService } from './modules/ingest/retention.js';
import { DeadLetterService } from './modules/ingest/deadletters.js';
import { startSyslogListeners, type SyslogListeners } from './modules/ingest/listeners.js';
import { statSync } from 'node:fs';
import { createDetection } from './modules/detection/index.js';
import { IndicatorService } from './modules/indicators/service.js';
import { GENERATION_FILE, type RuleLibrary } from './modules/detection/rule-library.js';
import type { DetectionService } from './modules/detection/service.js';
import { AssetService } from './modules/assets/service.js';
import { ImpactService } from './modules/impact/service.js';
import { IncidentService, incidentSettings } from './modules/incidents/service.js';
import { AssetDirectory, AssetDiscovery } from './modules/assets/directory.js';
import { createResponse, type ResponseServices } from './modules/response/index.js';
import { SettingsService } from './modules/settings/service.js';
import { applyV8Flags } from './v8-flags.js';
import { IncidentReports } from './modules/reports/service.js';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  store: Store;
  services: Services;
  pipeline: IngestPipeline;
  archive: RawArchive;
  retention: RetentionService;
  syslog: SyslogListeners;
  rules: RuleLibrary;
  detection: DetectionService;
  /**
   * The asset register: the service behind /api/v1/assets, the in-memory directory enrichment
   * looks assets up in (kept fresh here), and passive discovery for the detection loop to feed.
   */
  assets: { service: AssetService; directory: AssetDirectory; discovery: AssetDiscovery };
  /** incidents: the service behind /api/v1/incidents, with its change and clock-warning hooks */
  incidents: IncidentService;
  /**
   * Playbooks, the block list and notifications; `response.connectIncidents` connects the
   * incident service to them.
   */
  response: ResponseServices;
  /** settings changed at run time: the reporting organisation and point of contact */
  settings: SettingsService;
  /** an incident's CERT-In, DPDP and post-incident reports */
  reports: IncidentReports;
  /** set on the first start of an empty database */
  initialAdmin: { username: string; password: string; generated: boolean } | null;
  close(): Promise<void>;
}

/** The TLS certificate and key for syslog over TLS, read once; both or neither must be set. */
function syslogTls(config: Config): { tls?: { cert: Buffer; key: Buffer } } {
  const { tlsCert, tlsKey } = config.ingest.syslog;
  if (!tlsCert && !tlsKey) return {};
  if (!tlsCert || !tlsKey) {
    throw new StartupError(
      'Syslog over TLS needs both ingest.syslog.tlsCert and ingest.syslog.tlsKey (PEM files); one is missing.',
    );
  }
  const read = (key: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new StartupError(
        `ingest.syslog.${key} '${path}' cannot be read (${(err as NodeJS.ErrnoException).code}).`,
      );
    }
  };
  return { tls: { cert: read('tlsCert', tlsCert), key: read('tlsKey', tlsKey) } };
}

/**
 * Starts the server: data directory, instance lock, store and migrations, first admin, HTTP.
 * Nothing else is started before the lock is held, so a second instance fails cleanly.
 */
export async function startServer(
  config: Config,
  options: { clock?: Clock; logger?: boolean | object } = {},
): Promise<RunningServer> {
  applyV8Flags();
  const clock = options.clock ?? systemClock;
  const { path } = prepareDataDir(config.dataDir);
  const lock = InstanceLock.acquire(path);
  let opened: Store | undefined;
  let openedArchive: RawArchive | undefined;
  try {
    const store = await openStore(config);
    opened = store;
    const services = await createServices(store, config, clock);
    const initialAdmin = await services.users.ensureAdmin(config.auth.initialAdminPassword);
    const archive = await RawArchive.open({
      dir: join(path, 'archive'),
      clock,
      retentionDays: config.ingest.archiveRetentionDays,
    });
    openedArchive = archive;
    if (archive.recovery) {
      await services.audit.record(
        { principal: SYSTEM_PRINCIPAL, ip: null },
        { action: 'archive.recover', target: 'archive', details: { ...archive.recovery } },
      );
    }
    const retention = new RetentionService(
      store,
      archive,
      services.audit,
      clock,
      config.ingest.hotRetentionDays,
    );
    const metrics = new Metrics();
    const pipeline = new IngestPipeline(store, archive, clock, metrics, config.ingest);
    let log: { error(obj: object, msg: string): void } = console;
    const indicators = new IndicatorService(store.indicators, services.audit, clock);
    await indicators.refresh();
    const assetDirectory = new AssetDirectory(store.assets);
    await assetDirectory.refresh();
    const assets = {
      service: new AssetService(store, services.audit, clock, assetDirectory),
      directory: assetDirectory,
      discovery: new AssetDiscovery({
        repo: store.assets,
        directory: assetDirectory,
        audit: services.audit,
        clock,
      }),
    };
    const settings = new SettingsService(store.settings, services.audit, clock);
    const detecting = await createDetection({
      store,
      services,
      config,
      dataDir: path,
      clock,
      registry: metrics.registry,
      indicators,
      assets,
      log: { error: (obj, msg) => log.error(obj, msg) },
    });
    const { library: rules, detection } = detecting;
    const impact = new ImpactService(store, clock);
    const incidents = new IncidentService(
      store,
      services.audit,
      detecting.alerts,
      impact,
      clock,
      incidentSettings(config.incidents),
      path,
      { error: (obj, msg) => log.error(obj, msg) },
    );
    const response = await createResponse({
      store,
      audit: services.audit,
      clock,
      config,
      indicators,
      alerts: detecting.stream,
      log: { error: (obj, msg) => log.error(obj, msg) },
    });
    response.connectIncidents({
      get: async (id) => {
        const { incident, assets: affected } = await incidents.get(id);
        return { ...incident, assetIds: affected.map((a) => a.assetId) };
      },
      incidentForAlert: (alertId, actor) => incidents.incidentForAlert(alertId, actor),
      addTask: (id, task, actor) => incidents.addTask(id, task, actor),
      assignOwnersOfAffectedAssets: (id, actor) =>
        incidents.assignOwnersOfAffectedAssets(id, actor),
      onChange: (listener) => incidents.onChange(listener),
      onClockWarning: (listener) => incidents.onClockWarning(listener),
    });
    const reports = new IncidentReports({
      incidents,
      store,
      settings,
      audit: services.audit,
      ruleDescription: (ruleId) => {
        try {
          return rules.get(ruleId).description;
        } catch {
          return null; // the rule was deleted since the alert
        }
      },
      archive,
      clock,
    });
    pipeline.onCommitted(() => detection.notify());
    let syslog: SyslogListeners | undefined;
    const app = await buildApp({
      config,
      store,
      services,
      metrics,
      ingest: {
        pipeline,
        store,
        clock,
        listeners: () => ({
          udpPort: syslog?.udpPort ?? null,
          tcpPort: syslog?.tcpPort ?? null,
          tlsPort: syslog?.tlsPort ?? null,
        }),
        archive,
        sources: new SourceService(store.sources, services.audit, clock, () =>
          pipeline.reloadSources(),
        ),
        deadLetters: new DeadLetterService(
          store,
          services.audit,
          clock,
          config.ingest.defaultTimezone,
        ),
        assets: assetDirectory,
      },
      detection: detecting,
      indicators,
      assets: assets.service,
      impact,
      incidents,
      response,
      settings,
      reports,
      ...(options.logger !== undefined && { logger: options.logger }),
    });
    log = app.log;
    for (const e of rules.errors().filter((x) => x.severity === 'error'))
      app.log.warn({ file: e.file, line: e.line, rule: e.rule }, `rule not loaded: ${e.message}`);
    await app.listen({ host: config.server.host, port: config.server.port });
    try {
      syslog = await startSyslogListeners(
        pipeline,
        clock,
        {
          ...config.ingest.syslog,
          maxMessageBytes: config.ingest.maxMessageBytes,
          ...syslogTls(config),
        },
        app.log,
      );
    } catch (err) {
      await app.close();
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EADDRINUSE' || e.code === 'EACCES') {
        throw new StartupError(
          `The syslog port (TCP ${config.ingest.syslog.tcpPort}, UDP ${config.ingest.syslog.udpPort}) on ${config.ingest.syslog.host} cannot be opened (${e.code}). Set ingest.syslog.tcpPort / udpPort, or stop what uses it.`,
        );
      }
      throw err;
    }
    const listeners = syslog;
    const logFailure = (what: string) => (err: unknown) => app.log.error({ err }, `${what} failed`);
    await response.start();
    await incidents.start(detecting.stream);
    if (config.detection.enabled) await detection.start();
    // `prahari rules import` touches this file; a running server then reloads its rules.
    const generationFile = join(rules.rulesDir, GENERATION_FILE);
    const generationOf = () => {
      try {
        return statSync(generationFile).mtimeMs;
      } catch {
        return 0;
      }
    };
    let generation = generationOf();
    // Expired indicators drop out, and changes made from the CLI are picked up.
    const refreshIndicators = setInterval(
      () => void indicators.refresh().catch(logFailure('indicator refresh')),
      60_000,
    );
    refreshIndicators.unref();
    // Changes made from the CLI (imports, confirmations) reach the directory within a minute.
    const refreshAssets = setInterval(
      () => void assetDirectory.refresh().catch(logFailure('asset directory refresh')),
      60_000,
    );
    refreshAssets.unref();
    const watchRules = setInterval(() => {
      const now = generationOf();
      if (now === generation) return;
      generation = now;
      void rules
        .reload()
        .then((r) => app.log.info(`rules reloaded after an import: ${r.rules} in use`))
        .catch(logFailure('rule reload'));
    }, 5_000);
    watchRules.unref();
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.server.port;
    const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
    const prune = setInterval(
      () => void services.auth.pruneExpiredSessions().catch(() => undefined),
      60 * 60_000,
    );
    prune.unref();
    // Seal finished days promptly (their manifests anchor the chain); enforce retention daily,
    // and once at start so a server that was off for a while catches up.
    const seal = setInterval(
      () => void retention.sealDue().catch(logFailure('archive sealing')),
      60_000,
    );
    seal.unref();
    const daily = setInterval(
      () => void retention.enforce().catch(logFailure('retention')),
      86_400_000,
    );
    daily.unref();
    const startupMaintenance = retention
      .sealDue()
      .then(() => retention.enforce())
      .catch(logFailure('retention at start'));
    let closing: Promise<void> | undefined;
    return {
      app,
      url: `http://${host}:${port}`,
      store,
      services,
      pipeline,
      archive,
      retention,
      syslog: listeners,
      rules,
      detection,
      assets,
      incidents,
      response,
      settings,
      reports,
      initialAdmin,
      close: () =>
        (closing ??= (async () => {
          clearInterval(prune);
          clearInterval(seal);
          clearInterval(daily);
          clearInterval(watchRules);
          clearInterval(refreshIndicators);
          clearInterval(refreshAssets);
          await startupMaintenance;
          // Stop receiving, write what was received, then stop serving.
          await listeners.close();
          await pipeline.close();
          await detection.stop();
          await incidents.stop();
          await response.close();
          await archive.close();
          await app.close();
          await store.close();
          lock.release();
        })()),
    };
  } catch (err) {
    await openedArchive?.close();
    await opened?.close();
    lock.release();
    throw err;
  }
}
