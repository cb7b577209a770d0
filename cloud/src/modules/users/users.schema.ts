import { Type } from 'typebox';
// Spelled out (not mapped from ROLES) so TypeBox infers the literal union, not never.
export const RoleSchema = Type.Union([
  Type.Literal('installer'),
  Type.Literal('social_worker'),
  Type.Literal('sanitation'),
  Type.Literal('manager'),
  Type.Literal('admin'),
  Type.Literal('resident'),
]);
const Username = Type.String({ pattern: '^[A-Za-z0-9_.-]{3,64}$' });
const Password = Type.String({ minLength: 8, maxLength: 256 });
const NullableId = Type.Union([Type.String({ minLength: 1 }), Type.Null()]);

export const UserOut = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  gridId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.Integer(),
  disabled: Type.Boolean(),
});

export const CreateUserBody = Type.Object(
  {
    username: Username,
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    password: Password,
    role: RoleSchema,
    gridId: Type.Optional(NullableId),
  },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    password: Type.Optional(Password),
    role: Type.Optional(RoleSchema),
    gridId: Type.Optional(NullableId),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

export const PrincipalOut = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: RoleSchema,
  gridId: Type.Union([Type.String(), Type.Null()]),
});

export const LoginOut = Type.Object({
  token: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'seconds' }),
  user: PrincipalOut,
});
