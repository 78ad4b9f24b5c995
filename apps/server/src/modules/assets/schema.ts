import { Type, type TSchema } from 'typebox';
import { ASSET_KINDS, ASSET_STATUSES, ASSET_ZONES, EDGE_TYPES } from '@prahari/store';
import { OWNER_EDITABLE_FIELDS } from './service.js';
import { CITIZEN_IMPACT_MEANING, CRITICALITY_MEANING } from './validate.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const NullableString = Nullable(Type.String());
const NullableNumber = Nullable(Type.Number());
const NullableInteger = Nullable(Type.Integer());

const meaning = (m: Readonly<Record<number, string>>) =>
  [5, 4, 3, 2, 1].map((n) => `${n} = ${m[n]}`).join('; ');

export const CRITICALITY_DESCRIPTION = `1–5: ${meaning(CRITICALITY_MEANING)}; null: not rated yet`;
export const CITIZEN_IMPACT_DESCRIPTION = `1–5: ${meaning(CITIZEN_IMPACT_MEANING)}`;

const KindSchema = Type.String({ description: ASSET_KINDS.join(', ') });
const ZoneSchema = Type.String({ description: ASSET_ZONES.join(', ') });
const EdgeTypeSchema = Type.String({
  description: `${EDGE_TYPES.join(', ')}. For every type but supports, from is the dependent and to what it needs (A depends_on B: A stops working without B); supports goes from an asset to the city service that needs it.`,
});

export const AddressSchema = Type.Object({
  type: Type.String({ description: 'ip, mac or hostname' }),
  value: Type.String(),
  label: Type.Union([Type.String(), Type.Null()], {
    description: 'what a scanner said of it: the MAC vendor',
  }),
});

export const OpenServiceSchema = Type.Object({
  protocol: Type.String(),
  port: Type.Integer(),
  state: Type.String(),
  service: NullableString,
  product: NullableString,
  version: NullableString,
  extraInfo: NullableString,
  cpe: Type.Array(Type.String()),
  seenAt: Type.String(),
});

export const AssetSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.String({ description: ASSET_KINDS.join(', ') }),
  zone: Type.Union([Type.String(), Type.Null()], { description: ASSET_ZONES.join(', ') }),
  department: NullableString,
  ownerId: Type.Union([Type.String(), Type.Null()], { description: 'the owner (a user id)' }),
  ownerName: Type.Union([Type.String(), Type.Null()], { description: "the owner's username" }),
  criticality: Type.Union([Type.Integer(), Type.Null()], { description: CRITICALITY_DESCRIPTION }),
  description: NullableString,
  vendor: NullableString,
  product: NullableString,
  version: NullableString,
  cpe: Type.Union([Type.String(), Type.Null()], { description: 'CPE 2.3 formatted string' }),
  ward: NullableString,
  site: NullableString,
  latitude: NullableNumber,
  longitude: NullableNumber,
  tags: Type.Array(Type.String()),
  personalData: Type.Boolean({ description: "holds citizens' personal data (DPDP Act)" }),
  internetExposed: Type.Boolean({ description: 'reachable from the internet' }),
  status: Type.String({ description: ASSET_STATUSES.join(', ') }),
  source: Type.String({ description: 'how it entered the register: manual, import, nmap, events' }),
  osGuess: Type.Union([Type.String(), Type.Null()], { description: "nmap's best OS match" }),
  openServices: Type.Array(OpenServiceSchema, { description: 'open ports nmap found' }),
  firstSeen: NullableString,
  lastSeen: NullableString,
  ips: Type.Array(Type.String()),
  macs: Type.Array(Type.String()),
  hostnames: Type.Array(Type.String()),
  createdBy: Type.String(),
  createdAt: Type.String(),
  updatedBy: Type.String(),
  updatedAt: Type.String(),
});

export const CityServiceSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: NullableString,
  citizenImpact: Type.Integer({ description: CITIZEN_IMPACT_DESCRIPTION }),
  populationServed: NullableInteger,
  mtdMinutes: Type.Union([Type.Integer(), Type.Null()], {
    description: 'maximum tolerable downtime, minutes',
  }),
  department: NullableString,
  ownerId: NullableString,
  ownerName: NullableString,
  createdBy: Type.String(),
  createdAt: Type.String(),
  updatedBy: Type.String(),
  updatedAt: Type.String(),
});

export const EdgeSchema = Type.Object({
  id: Type.String(),
  fromId: Type.String(),
  toId: Type.String(),
  type: Type.String(),
  fromName: Type.String(),
  toName: Type.String(),
  toKind: Type.String({ description: 'asset, or service (for supports)' }),
  timeToImpactMinutes: Type.Union([Type.Integer(), Type.Null()], {
    description: 'how long the dependent keeps working without `to`; null: at once or unknown',
  }),
  redundancyGroup: Type.Union([Type.String(), Type.Null()], {
    description:
      'edges of one dependent with the same group back each other up: it keeps working while at least redundancyK of them are up',
  }),
  redundancyK: NullableInteger,
  note: NullableString,
  createdBy: Type.String(),
  createdAt: Type.String(),
  updatedBy: Type.String(),
  updatedAt: Type.String(),
});

export const AssetDetailSchema = Type.Object({
  asset: AssetSchema,
  addresses: Type.Array(AddressSchema),
  edgesOut: Type.Array(EdgeSchema, {
    description: 'what this asset needs, and services it supports',
  }),
  edgesIn: Type.Array(EdgeSchema, { description: 'what needs this asset' }),
  services: Type.Array(CityServiceSchema, { description: 'the city services it supports' }),
});

export const ServiceDetailSchema = Type.Object({
  service: CityServiceSchema,
  supportedBy: Type.Array(EdgeSchema),
});

export const EdgeResultSchema = Type.Object({
  edge: EdgeSchema,
  warnings: Type.Array(Type.String(), {
    description: 'allowed but worth a look: a redundancy group smaller than its k',
  }),
});

const List = <T extends TSchema>(schema: T) => Type.Union([Type.Array(schema), Type.String()]);

const assetFields = {
  name: Type.String({ maxLength: 200 }),
  kind: KindSchema,
  zone: Nullable(ZoneSchema),
  department: Nullable(Type.String({ maxLength: 100 })),
  owner: Type.Union([Type.String({ maxLength: 100 }), Type.Null()], {
    description: 'username or user id',
  }),
  criticality: Type.Union([Type.Integer(), Type.Null()], { description: CRITICALITY_DESCRIPTION }),
  description: Nullable(Type.String({ maxLength: 2000 })),
  vendor: Nullable(Type.String({ maxLength: 200 })),
  product: Nullable(Type.String({ maxLength: 200 })),
  version: Nullable(Type.String({ maxLength: 100 })),
  cpe: Type.Union([Type.String({ maxLength: 500 }), Type.Null()], {
    description: 'CPE 2.3 formatted string: cpe:2.3:part:vendor:product:version:…(13 parts)',
  }),
  ward: Nullable(Type.String({ maxLength: 100 })),
  site: Nullable(Type.String({ maxLength: 200 })),
  latitude: NullableNumber,
  longitude: NullableNumber,
  tags: List(Type.String({ maxLength: 50 })),
  ips: List(Type.String({ maxLength: 64 })),
  macs: List(Type.String({ maxLength: 32 })),
  hostnames: List(Type.String({ maxLength: 253 })),
  personalData: Type.Boolean({ description: "holds citizens' personal data (DPDP Act)" }),
  internetExposed: Type.Boolean(),
  status: Type.String({ description: 'active (default) or discovered' }),
};

const optional = <T extends Record<string, TSchema>>(fields: T) =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof T]: ReturnType<typeof Type.Optional<T[K]>>;
  };

export const AssetCreateSchema = Type.Object(
  { ...optional(assetFields), name: assetFields.name, kind: assetFields.kind },
  { additionalProperties: false },
);

export const AssetPatchSchema = Type.Object(optional(assetFields), {
  additionalProperties: false,
  description: `Only the fields given change; null clears one. An owner may change only ${OWNER_EDITABLE_FIELDS.join(', ')}.`,
});

export const RetireBodySchema = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);

export const AssetListQuerySchema = Type.Object(
  {
    kind: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 })),
    zone: Type.Optional(Type.Array(Type.String({ maxLength: 10 }), { maxItems: 5 })),
    department: Type.Optional(Type.String({ maxLength: 100 })),
    owner: Type.Optional(Type.String({ maxLength: 100, description: 'username or user id' })),
    minCriticality: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    status: Type.Optional(
      Type.Array(Type.String({ maxLength: 20 }), {
        maxItems: 3,
        description: 'default: active and discovered',
      }),
    ),
    tag: Type.Optional(Type.String({ maxLength: 50 })),
    q: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'part of the name, description, vendor or product, or the start of an address',
      }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
    cursor: Type.Optional(
      Type.String({ maxLength: 200, description: 'nextCursor of the previous page' }),
    ),
  },
  { additionalProperties: false },
);

export const AssetListSchema = Type.Object({
  assets: Type.Array(AssetSchema),
  nextCursor: NullableString,
});

const serviceFields = {
  name: Type.String({ maxLength: 200 }),
  description: Nullable(Type.String({ maxLength: 2000 })),
  citizenImpact: Type.Integer({ description: CITIZEN_IMPACT_DESCRIPTION }),
  populationServed: NullableInteger,
  mtdMinutes: Type.Union([Type.Integer(), Type.Null()], {
    description: 'maximum tolerable downtime, minutes',
  }),
  department: Nullable(Type.String({ maxLength: 100 })),
  owner: Type.Union([Type.String({ maxLength: 100 }), Type.Null()], {
    description: 'username or user id',
  }),
};

export const ServiceCreateSchema = Type.Object(
  {
    ...optional(serviceFields),
    name: serviceFields.name,
    citizenImpact: serviceFields.citizenImpact,
  },
  { additionalProperties: false },
);

export const ServicePatchSchema = Type.Object(optional(serviceFields), {
  additionalProperties: false,
});

export const ServiceListQuerySchema = Type.Object(
  {
    department: Type.Optional(Type.String({ maxLength: 100 })),
    owner: Type.Optional(Type.String({ maxLength: 100 })),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const ServiceListSchema = Type.Object({
  services: Type.Array(CityServiceSchema),
  nextCursor: NullableString,
});

const edgeSettings = {
  timeToImpactMinutes: Type.Union([Type.Integer(), Type.Null()], {
    description: 'how long the dependent keeps working without `to` (minutes)',
  }),
  redundancyGroup: Nullable(Type.String({ maxLength: 100 })),
  redundancyK: Type.Union([Type.Integer(), Type.Null()], {
    description: 'default 1 when a group is given',
  }),
  redundancy: Type.Union([Type.String({ maxLength: 120 }), Type.Null()], {
    description: 'GROUP:K, the same as redundancyGroup and redundancyK',
  }),
  note: Nullable(Type.String({ maxLength: 1000 })),
};

export const EdgeCreateSchema = Type.Object(
  {
    from: Type.String({
      maxLength: 200,
      description: 'asset id or name (the dependent, except for supports)',
    }),
    to: Type.String({
      maxLength: 200,
      description: 'asset id or name; for supports, a city service id or name',
    }),
    type: EdgeTypeSchema,
    ...optional(edgeSettings),
  },
  { additionalProperties: false },
);

export const EdgePatchSchema = Type.Object(optional(edgeSettings), {
  additionalProperties: false,
  description: "An edge's ends and type do not change: delete it and add another.",
});

export const EdgeListQuerySchema = Type.Object(
  {
    node: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'an asset or service (id or name) at either end',
      }),
    ),
    type: Type.Optional(Type.String({ maxLength: 20 })),
    limit: Type.Integer({ minimum: 1, maximum: 5000, default: 500 }),
    cursor: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

export const EdgeListSchema = Type.Object({
  edges: Type.Array(EdgeSchema),
  nextCursor: NullableString,
});

export const ImportBodySchema = Type.Object(
  {
    format: Type.Union([Type.Literal('csv'), Type.Literal('json'), Type.Literal('nmap')], {
      description:
        'csv: one or more tables ([assets], [services], [edges]); json: an array of assets, or {assets, services, edges}; nmap: the XML of nmap -oX',
    }),
    text: Type.String({ maxLength: 50 * 1024 * 1024 }),
    dryRun: Type.Optional(
      Type.Boolean({ default: false, description: 'check and count everything, import nothing' }),
    ),
  },
  { additionalProperties: false },
);

const Counts = Type.Object({ added: Type.Integer(), updated: Type.Integer() });

export const ImportResultSchema = Type.Object({
  format: Type.String(),
  dryRun: Type.Boolean(),
  imported: Type.Boolean(),
  rows: Type.Integer({ description: 'rows read: CSV data rows, JSON items, nmap hosts' }),
  assets: Counts,
  services: Counts,
  edges: Counts,
  hostsDown: Type.Integer({ description: 'nmap hosts not up (not imported)' }),
  errors: Type.Array(
    Type.Object({
      line: Type.Integer(),
      record: Type.String({ description: 'asset, service, edge, host or file' }),
      field: Type.String(),
      value: NullableString,
      reason: Type.String(),
    }),
    { description: 'bad rows (at most 1000 listed)' },
  ),
  errorCount: Type.Integer(),
  ignoredColumns: Type.Array(Type.String()),
  warnings: Type.Array(Type.String()),
});

export const RefParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200, description: 'id or name' }),
});
