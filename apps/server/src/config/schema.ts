import { Type, type Static } from 'typebox';

/**
 * Every setting Prahari reads. Each leaf has a default, so an empty file (or none) is a working
 * configuration; `description` is what the README and error messages show.
 */
export const ConfigSchema = Type.Object(
  {
    dataDir: Type.String({
      default: './data',
      minLength: 1,
      description: 'folder for the database, archive and keys (created with mode 0700)',
    }),
    server: Type.Object(
      {
        host: Type.String({
          default: '127.0.0.1',
          minLength: 1,
          description: 'address the HTTP API listens on',
        }),
        port: Type.Integer({
          default: 7700,
          minimum: 0,
          maximum: 65535,
          description: 'HTTP port (0 = any free port)',
        }),
        bodyLimitBytes: Type.Integer({
          default: 10 * 1024 * 1024,
          minimum: 1024,
          maximum: 1024 * 1024 * 1024,
          description: 'largest request body accepted (413 beyond)',
        }),
        trustProxy: Type.Boolean({
          default: false,
          description: 'trust X-Forwarded-* headers (only behind your own reverse proxy)',
        }),
        logLevel: Type.Union(
          [
            Type.Literal('fatal'),
            Type.Literal('error'),
            Type.Literal('warn'),
            Type.Literal('info'),
            Type.Literal('debug'),
            Type.Literal('trace'),
            Type.Literal('silent'),
          ],
          { default: 'info', description: 'server log level' },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    store: Type.Object(
      {
        driver: Type.Union([Type.Literal('sqlite')], {
          default: 'sqlite',
          description: 'state database (PostgreSQL arrives with its issue)',
        }),
        busyTimeoutMs: Type.Integer({
          default: 5000,
          minimum: 0,
          maximum: 600_000,
          description: 'how long a write waits for another process holding the database',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    ingest: Type.Object(
      {
        syslog: Type.Object(
          {
            host: Type.String({
              default: '127.0.0.1',
              minLength: 1,
              description: 'address the syslog listeners bind to (0.0.0.0 for every interface)',
            }),
            udpPort: Type.Integer({
              default: 5514,
              minimum: 0,
              maximum: 65535,
              description: 'syslog over UDP (0 = any free port)',
            }),
            udpEnabled: Type.Boolean({ default: true, description: 'listen for syslog over UDP' }),
            tcpPort: Type.Integer({
              default: 5514,
              minimum: 0,
              maximum: 65535,
              description: 'syslog over TCP, RFC 6587 framing detected per connection',
            }),
            tcpEnabled: Type.Boolean({ default: true, description: 'listen for syslog over TCP' }),
            tlsPort: Type.Integer({
              default: 6514,
              minimum: 0,
              maximum: 65535,
              description: 'syslog over TLS (RFC 5425), when tlsCert and tlsKey are set',
            }),
            tlsCert: Type.Optional(
              Type.String({
                minLength: 1,
                description: 'PEM certificate (chain) file for syslog over TLS',
              }),
            ),
            tlsKey: Type.Optional(
              Type.String({
                minLength: 1,
                description: 'PEM private key file for syslog over TLS',
              }),
            ),
            maxConnections: Type.Integer({
              default: 1000,
              minimum: 1,
              maximum: 100_000,
              description: 'TCP connections at once; more are refused',
            }),
            idleTimeoutSeconds: Type.Integer({
              default: 300,
              minimum: 5,
              maximum: 86_400,
              description: 'close a TCP connection silent for this long',
            }),
          },
          { additionalProperties: false, default: {} },
        ),
        maxMessageBytes: Type.Integer({
          default: 64 * 1024,
          minimum: 1024,
          maximum: 16 * 1024 * 1024,
          description: 'longer syslog messages are truncated (and flagged), never dropped',
        }),
        batchMaxEvents: Type.Integer({
          // Under load a batch is what queued while the last one was written. Each commit writes
          // every index page it touched in full, and in a store of a million events nearly every
          // row touches pages of its own; a batch of 10,000 shares them five times better than
          // one of 2000 (sustained ingest 16k → 26k events/s at 1M events).
          default: 10_000,
          minimum: 1,
          maximum: 100_000,
          description: 'events written per transaction at most',
        }),
        queueMaxEvents: Type.Integer({
          default: 50_000,
          minimum: 100,
          maximum: 10_000_000,
          description:
            'events waiting for the writer before TCP stops reading and HTTP answers 503',
        }),
        archiveRetentionDays: Type.Integer({
          default: 180,
          minimum: 1,
          maximum: 36_500,
          description: 'days the raw-log archive keeps every message (CERT-In: at least 180)',
        }),
        hotRetentionDays: Type.Integer({
          default: 30,
          minimum: 1,
          maximum: 36_500,
          description:
            'days parsed events and dead letters stay in the database (searchable, retryable)',
        }),
        defaultTimezone: Type.String({
          default: 'UTC',
          minLength: 1,
          description:
            'zone for log times written without one (e.g. Asia/Kolkata); per source overridable',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    detection: Type.Object(
      {
        enabled: Type.Boolean({
          default: true,
          description: 'evaluate stored events against rules, correlations and indicators',
        }),
        batchEvents: Type.Integer({
          default: 2000,
          minimum: 1,
          maximum: 100_000,
          description:
            'events detection reads at a time; each step records its alerts in one write, and takes several reads when detection is behind',
        }),
        dedupeWindowSeconds: Type.Integer({
          default: 3600,
          minimum: 0,
          maximum: 30 * 86_400,
          description:
            'a repeat of an open alert (same rule and group) within this window raises its count instead of opening another',
        }),
        correlationLatenessSeconds: Type.Integer({
          default: 60,
          minimum: 0,
          maximum: 86_400,
          description: 'how late an event may arrive and still count in a correlation window',
        }),
        placeholders: Type.Record(Type.String({ minLength: 1 }), Type.Array(Type.String()), {
          default: {},
          description:
            "values for rules' |expand placeholders, e.g. scada_masters: [10.20.0.5, 10.20.0.6]",
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    incidents: Type.Object(
      {
        withoutDelayTargetHours: Type.Integer({
          default: 6,
          minimum: 1,
          maximum: 72,
          description:
            "the city's own target, in hours from noticing, for the DPDP duties the law says to meet 'without delay' (shown as the city's target, never as a legal deadline)",
        }),
        warnBeforeMinutes: Type.Array(Type.Integer({ minimum: 1, maximum: 4320 }), {
          default: [60, 15],
          maxItems: 10,
          description:
            'warn this many minutes before a legal clock runs out, once per threshold (a warning also goes out when it runs out)',
        }),
        clockTickSeconds: Type.Integer({
          default: 60,
          minimum: 1,
          maximum: 3600,
          description: 'how often the legal clocks of open incidents are checked for warnings',
        }),
        evidenceMaxBytes: Type.Integer({
          default: 100 * 1024 * 1024,
          minimum: 1024,
          maximum: 10 * 1024 * 1024 * 1024,
          description: 'largest evidence file an upload may carry (413 beyond)',
        }),
        autoAttach: Type.Object(
          {
            sameAsset: Type.Boolean({
              default: false,
              description: 'attach a new alert on an asset an open incident concerns',
            }),
            sameSourceIp: Type.Boolean({
              default: false,
              description:
                "attach a new alert from an address that is one of an open incident's IPs",
            }),
            sameObservable: Type.Boolean({
              default: false,
              description:
                'attach a new alert sharing any observable (user, host, domain, hash …) with an open incident',
            }),
            withinHours: Type.Integer({
              default: 24,
              minimum: 1,
              maximum: 24 * 90,
              description:
                'only into an incident whose latest alert (or creation) is at most this many hours older than the new alert',
            }),
          },
          { additionalProperties: false, default: {} },
        ),
        autoOpen: Type.Object(
          {
            minSeverity: Type.Union(
              [
                Type.Literal('off'),
                Type.Literal('low'),
                Type.Literal('medium'),
                Type.Literal('high'),
                Type.Literal('critical'),
              ],
              {
                default: 'off',
                description:
                  'open an incident (as the system) for a new alert of at least this severity that no open incident takes or is proposed for; off: people open incidents',
              },
            ),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    auth: Type.Object(
      {
        sessionTtlMinutes: Type.Integer({
          default: 720,
          minimum: 5,
          maximum: 60 * 24 * 30,
          description: 'how long a login lasts',
        }),
        maxFailedLogins: Type.Integer({
          default: 5,
          minimum: 1,
          maximum: 100,
          description: 'failed logins in a row before the account locks',
        }),
        lockoutMinutes: Type.Integer({
          default: 15,
          minimum: 1,
          maximum: 60 * 24,
          description: 'how long a locked account stays locked',
        }),
        loginRateLimitPerMinute: Type.Integer({
          default: 10,
          minimum: 1,
          maximum: 10_000,
          description: 'login attempts per client address per minute (429 beyond)',
        }),
        apiRateLimitPerMinute: Type.Integer({
          default: 6000,
          minimum: 10,
          maximum: 10_000_000,
          description: 'API requests per client (session, key or address) per minute (429 beyond)',
        }),
        secureCookie: Type.Union(
          [Type.Literal('auto'), Type.Literal('always'), Type.Literal('never')],
          {
            default: 'auto',
            description: "session cookie's Secure flag: auto = when the request came over HTTPS",
          },
        ),
        initialAdminPassword: Type.Optional(
          Type.String({
            minLength: 12,
            description: 'password for the first `admin` (otherwise a random one is printed once)',
          }),
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    response: Type.Object(
      {
        blocklist: Type.Object(
          {
            protect: Type.Array(Type.String({ minLength: 1 }), {
              default: [],
              description:
                "addresses and networks (CIDR) the block list refuses to hold, e.g. the server's own address, the city's ranges, upstream DNS: [10.0.0.0/8, 203.0.113.10]",
            }),
          },
          { additionalProperties: false, default: {} },
        ),
        webhook: Type.Object(
          {
            timeoutMs: Type.Integer({
              default: 10_000,
              minimum: 100,
              maximum: 120_000,
              description: 'how long a playbook webhook call may take before it counts as failed',
            }),
            attempts: Type.Integer({
              default: 4,
              minimum: 1,
              maximum: 10,
              description: 'tries of a playbook webhook call (network errors, timeouts, 429, 5xx)',
            }),
            retryBaseMs: Type.Integer({
              default: 2000,
              minimum: 10,
              maximum: 600_000,
              description: 'wait before the second try; each later wait doubles',
            }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    notifications: Type.Object(
      {
        smtp: Type.Object(
          {
            host: Type.Optional(
              Type.String({
                minLength: 1,
                description:
                  'SMTP server for e-mail channels (none: e-mail deliveries fail, saying so)',
              }),
            ),
            port: Type.Integer({
              default: 587,
              minimum: 1,
              maximum: 65535,
              description: 'SMTP port: 587 (STARTTLS), 465 (with secure: true), 25',
            }),
            secure: Type.Boolean({
              default: false,
              description:
                'TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it',
            }),
            user: Type.Optional(
              Type.String({ minLength: 1, description: 'SMTP login, when the server needs one' }),
            ),
            password: Type.Optional(
              Type.String({ minLength: 1, description: 'SMTP password (never logged)' }),
            ),
            from: Type.String({
              default: 'Prahari <prahari@localhost>',
              minLength: 3,
              description: 'sender of notification e-mails',
            }),
          },
          { additionalProperties: false, default: {} },
        ),
        attempts: Type.Integer({
          default: 5,
          minimum: 1,
          maximum: 20,
          description: 'tries of one notification before it is marked failed',
        }),
        retryBaseMs: Type.Integer({
          default: 30_000,
          minimum: 10,
          maximum: 3_600_000,
          description: 'wait before the second try of a notification; each later wait doubles',
        }),
        timeoutMs: Type.Integer({
          default: 10_000,
          minimum: 100,
          maximum: 120_000,
          description: 'how long one e-mail or webhook delivery may take',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
