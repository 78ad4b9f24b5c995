import { Type } from 'typebox';
import { ROLES } from '@prahari/core';

export const ErrorSchema = Type.Object(
  {
    error: Type.String({ description: 'machine-readable code, e.g. bad_request' }),
    message: Type.String({ description: 'what went wrong and what to do' }),
    details: Type.Optional(Type.Unknown()),
  },
  { $id: 'Error' },
);

export const RoleSchema = Type.Union(
  [
    Type.Literal('admin'),
    Type.Literal('analyst'),
    Type.Literal('owner'),
    Type.Literal('auditor'),
    Type.Literal('ingest'),
  ],
  { description: ROLES.join(', ') },
);

/** The error responses every authenticated route can give. */
export const errorResponses = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  409: ErrorSchema,
  429: ErrorSchema,
};
