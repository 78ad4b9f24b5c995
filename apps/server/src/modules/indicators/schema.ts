import { Type } from 'typebox';

export const IndicatorTypeSchema = Type.Union(
  [
    Type.Literal('ip'),
    Type.Literal('cidr'),
    Type.Literal('domain'),
    Type.Literal('url'),
    Type.Literal('hash'),
  ],
  {
    description:
      'ip (IPv4/IPv6 address), cidr (network), domain (matches its subdomains too), url (matches URLs under it), hash (MD5, SHA-1 or SHA-256)',
  },
);

export const TlpSchema = Type.Union(
  [
    Type.Literal('clear'),
    Type.Literal('green'),
    Type.Literal('amber'),
    Type.Literal('amber+strict'),
    Type.Literal('red'),
  ],
  { description: 'Traffic Light Protocol 2.0: who may see it' },
);

const NullableString = Type.Union([Type.String(), Type.Null()]);

export const IndicatorSchema = Type.Object({
  id: Type.String(),
  type: IndicatorTypeSchema,
  value: Type.String({ description: 'canonical form: lower-case names and hex, compressed IPv6' }),
  source: Type.String({ description: 'where it came from: a feed, an advisory, a case' }),
  tlp: TlpSchema,
  description: NullableString,
  expiresAt: Type.Union([Type.String(), Type.Null()], {
    description: 'after this time it no longer matches; null: never',
  }),
  createdBy: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  hits: Type.Integer({ description: 'events it matched' }),
  lastHitAt: NullableString,
});

const Expiry = Type.String({
  maxLength: 40,
  description: 'ISO 8601 (2027-03-31 or 2027-03-31T18:00:00Z) or an age from now: 30d, 12h, 2w',
});

export const IndicatorInputSchema = Type.Object(
  {
    value: Type.String({
      minLength: 1,
      maxLength: 2048,
      description:
        'the indicator; defanged forms (hxxp://, evil[.]example) are accepted and stored plain',
    }),
    type: Type.Optional(IndicatorTypeSchema),
    source: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'default manual' }),
    ),
    tlp: Type.Optional(TlpSchema),
    expiresAt: Type.Optional(Type.Union([Expiry, Type.Null()])),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
  },
  { additionalProperties: false },
);

export const AddBodySchema = Type.Union([
  IndicatorInputSchema,
  Type.Array(IndicatorInputSchema, { minItems: 1, maxItems: 1000 }),
]);

export const AddResultSchema = Type.Object({
  added: Type.Integer({ description: 'new indicators' }),
  updated: Type.Integer({
    description: 'known ones whose source, TLP, expiry, description were replaced',
  }),
  indicators: Type.Array(IndicatorSchema),
});

export const ListQuerySchema = Type.Object(
  {
    type: Type.Optional(IndicatorTypeSchema),
    source: Type.Optional(Type.String({ maxLength: 200 })),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'part of the value' })),
    active: Type.Optional(
      Type.Boolean({ description: 'true: only those not expired; false: only expired ones' }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
    cursor: Type.Optional(
      Type.String({ maxLength: 64, description: 'nextCursor of the previous page' }),
    ),
  },
  { additionalProperties: false },
);

export const ListResultSchema = Type.Object({
  indicators: Type.Array(IndicatorSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'pass as cursor for the next page; null on the last',
  }),
});

export const ImportBodySchema = Type.Object(
  {
    format: Type.Union([Type.Literal('csv'), Type.Literal('text')], {
      description:
        'text: one value per line, # comments; csv: a header row naming value and optionally type, source, tlp, expires, description',
    }),
    text: Type.String({ maxLength: 50 * 1024 * 1024, description: 'the list itself' }),
    source: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'source of every line (a CSV source column overrides it)',
    }),
    tlp: Type.Optional(TlpSchema),
    expiresAt: Type.Optional(Expiry),
    type: Type.Optional(IndicatorTypeSchema),
    dryRun: Type.Optional(
      Type.Boolean({ description: 'check and count every line, import nothing', default: false }),
    ),
  },
  { additionalProperties: false },
);

export const ImportResultSchema = Type.Object({
  dryRun: Type.Boolean(),
  imported: Type.Boolean({ description: 'false on a dry run' }),
  lines: Type.Integer({ description: 'data lines read (not blank lines, comments, the header)' }),
  valid: Type.Integer(),
  added: Type.Integer(),
  updated: Type.Integer(),
  duplicates: Type.Integer({ description: 'lines repeating an earlier type and value' }),
  byType: Type.Record(Type.String(), Type.Integer()),
  errors: Type.Array(
    Type.Object({
      line: Type.Integer(),
      field: Type.String(),
      value: NullableString,
      reason: Type.String(),
    }),
    { description: 'bad lines (at most 1000 listed)' },
  ),
  errorCount: Type.Integer(),
  ignoredColumns: Type.Array(Type.String(), { description: 'CSV columns not read' }),
});

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
