import { Type } from 'typebox';

const Ms = Type.Integer({ description: 'ms since epoch' });
const NullableString = Type.Union([Type.String(), Type.Null()]);
const Ref = Type.String({ minLength: 1, maxLength: 64 });
const Key = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'idempotency key: retrying with it never pays twice',
});
const Code = Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}$' });

export const RuleOut = Type.Object({
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  points: Type.Integer(),
  unit: Type.Enum(['time', 'hour']),
  dailyCap: Type.Union([Type.Integer(), Type.Null()]),
  updatedAt: Type.Union([Ms, Type.Null()]),
  updatedBy: NullableString,
});
export const RuleBody = Type.Object(
  {
    points: Type.Integer({ minimum: 1, maximum: 10_000 }),
    unit: Type.Optional(Type.Enum(['time', 'hour'])),
    dailyCap: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    nameZh: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    nameEn: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
export const CodeParams = Type.Object({ code: Code });

export const ItemOut = Type.Object({
  id: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  cost: Type.Integer(),
  stock: Type.Union([Type.Integer(), Type.Null()]),
  active: Type.Boolean(),
});
export const CreateItemBody = Type.Object(
  {
    id: Code,
    nameZh: Type.String({ minLength: 1, maxLength: 100 }),
    nameEn: Type.String({ minLength: 1, maxLength: 100 }),
    cost: Type.Integer({ minimum: 1 }),
    stock: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const UpdateItemBody = Type.Object(
  {
    nameZh: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    nameEn: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    cost: Type.Optional(Type.Integer({ minimum: 1 })),
    stock: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const EntryOut = Type.Object({
  id: Type.String(),
  accountId: Type.String(),
  kind: Type.Enum(['earn', 'redeem', 'adjust', 'expire']),
  amount: Type.Integer(),
  balanceAfter: Type.Integer(),
  ruleCode: NullableString,
  quantity: Type.Union([Type.Number(), Type.Null()]),
  cause: Type.Object({ type: Type.String(), id: Type.String() }),
  idempotencyKey: Type.String(),
  note: NullableString,
  actorId: NullableString,
  createdAt: Ms,
});
export const WriteOut = Type.Object({ entry: EntryOut, replayed: Type.Boolean() });
export const RedemptionOut = Type.Object({
  entry: EntryOut,
  replayed: Type.Boolean(),
  redemptionId: NullableString,
  itemId: Type.String(),
});

export const AwardBody = Type.Object(
  {
    accountId: Ref,
    ruleCode: Code,
    quantity: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'times, or hours for hourly rules' }),
    ),
    causeId: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'what earned it, e.g. council-2025-01-15',
    }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export const AdjustBody = Type.Object(
  {
    accountId: Ref,
    amount: Type.Integer({ minimum: -100_000, maximum: 100_000, not: { const: 0 } }),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
    idempotencyKey: Type.Optional(Key),
  },
  { additionalProperties: false },
);
export const ExpireBody = Type.Object(
  {
    accountId: Ref,
    amount: Type.Integer({ minimum: 1 }),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
    idempotencyKey: Type.Optional(Key),
  },
  { additionalProperties: false },
);
export const RedeemBody = Type.Object(
  { itemId: Code, idempotencyKey: Type.Optional(Key) },
  { additionalProperties: false },
);

const Named = { code: Type.String(), nameZh: Type.String(), nameEn: Type.String() };
export const SummaryOut = Type.Object({
  accountId: Type.String(),
  displayName: Type.String(),
  balance: Type.Integer({ description: 'derived from the ledger' }),
  lifetime: Type.Integer({ description: 'earned plus adjusted, ever; decides the level' }),
  consistent: Type.Boolean({ description: 'the account projection equals the ledger' }),
  level: Type.Object({ ...Named, min: Type.Integer(), nextAt: Type.Union([Type.Integer(), Type.Null()]) }),
  badges: Type.Array(Type.Object(Named)),
});

export const LedgerQuery = Type.Object({
  accountId: Type.Optional(Ref),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});
export const LedgerOut = Type.Object({
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  items: Type.Array(
    Type.Object({
      ...EntryOut.properties,
      displayName: NullableString,
      rule: Type.Union([Type.Object({ code: Type.String(), nameZh: Type.String() }), Type.Null()]),
    }),
  ),
});

export const LeaderboardOut = Type.Object({
  month: Type.String(),
  from: Ms,
  to: Ms,
  entries: Type.Array(
    Type.Object({
      rank: Type.Integer(),
      accountId: Type.String(),
      displayName: NullableString,
      points: Type.Integer(),
    }),
  ),
});

export const AuditOut = Type.Object({
  accounts: Type.Integer(),
  mismatches: Type.Array(
    Type.Object({
      accountId: Type.String(),
      projected: Type.Integer(),
      ledger: Type.Integer(),
      projectedLifetime: Type.Integer(),
      ledgerLifetime: Type.Integer(),
    }),
  ),
});

export const RedemptionRowOut = Type.Object({
  id: Type.String(),
  accountId: Type.String(),
  itemId: Type.String(),
  cost: Type.Integer(),
  ledgerId: Type.String(),
  createdAt: Ms,
});
