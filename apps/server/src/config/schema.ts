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
          default: 2000,
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
          description: 'days parsed events stay searchable in the database',
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
          description: 'events evaluated per step (each step records its alerts in one write)',
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
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
