import { Type } from 'typebox';
import { RoleSchema } from '../common-schema.js';

export const UserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  department: Type.Union([Type.String(), Type.Null()]),
  disabled: Type.Boolean(),
  locked: Type.Boolean(),
  lockedUntil: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  lastLoginAt: Type.Union([Type.String(), Type.Null()]),
});

export const CreateUserBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 63 }),
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
    role: Type.String({ description: 'admin, analyst, owner, auditor or ingest' }),
    department: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    role: Type.Optional(Type.String()),
    department: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const PasswordBody = Type.Object(
  {
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    currentPassword: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);

export const UsernameParams = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 63 }),
});
