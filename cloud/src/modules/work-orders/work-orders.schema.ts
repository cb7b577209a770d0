import { Type } from 'typebox';
import { CATEGORIES, SOURCES, STATUSES } from './work-orders.model.js';

const Ms = Type.Integer({ description: 'ms since epoch' });
const NullableMs = Type.Union([Ms, Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);
const Ref = Type.String({ minLength: 1, maxLength: 64 });

export const CategorySchema = Type.Enum([...CATEGORIES]);
export const SourceSchema = Type.Enum([...SOURCES]);
export const StatusSchema = Type.Enum([...STATUSES]);

export const IdParams = Type.Object({ id: Ref });

export const WorkOrderOut = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  location: Type.String(),
  contact: NullableString,
  category: CategorySchema,
  source: SourceSchema,
  status: StatusSchema,
  reporterId: NullableString,
  gridId: NullableString,
  teamId: NullableString,
  assigneeId: NullableString,
  alertRef: NullableString,
  sla: Type.Object({
    responseDueAt: Ms,
    acknowledgedAt: NullableMs,
    breachedAt: NullableMs,
    escalationLevel: Type.Integer({ description: '0 none, 1 team lead, 2 manager' }),
    escalatedToLeadAt: NullableMs,
    escalatedToManagerAt: NullableMs,
  }),
  completedAt: NullableMs,
  completionNote: NullableString,
  hours: Type.Union([Type.Number(), Type.Null()]),
  rating: Type.Union([
    Type.Object({ score: Type.Integer(), comment: NullableString, ratedAt: Ms }),
    Type.Null(),
  ]),
  closeReason: NullableString,
  validatedAt: NullableMs,
  createdAt: Ms,
  updatedAt: Ms,
});

export const HistoryOut = Type.Object({
  seq: Type.Integer(),
  at: Ms,
  actorId: NullableString,
  action: Type.String(),
  from: Type.Union([StatusSchema, Type.Null()]),
  to: Type.Union([StatusSchema, Type.Null()]),
  note: NullableString,
});

export const PhotoOut = Type.Object({
  id: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
  uploadedBy: NullableString,
  createdAt: Ms,
});

export const WorkOrderDetailOut = Type.Object({
  ...WorkOrderOut.properties,
  history: Type.Array(HistoryOut),
  photos: Type.Array(PhotoOut),
});

export const CreateWorkOrderBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.String({ minLength: 1, maxLength: 4000 }),
    location: Type.String({ minLength: 1, maxLength: 200, description: 'e.g. 3栋2单元502 or 东门垃圾站' }),
    contact: Type.Optional(Type.String({ maxLength: 100, description: 'phone or name to call back' })),
    category: CategorySchema,
    gridId: Type.Optional(Ref),
  },
  { additionalProperties: false },
);

export const DispatchBody = Type.Object(
  {
    teamId: Type.Optional(Ref),
    assigneeId: Type.Optional(Ref),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const NoteBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);

export const CompleteBody = Type.Object(
  {
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    hours: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 24,
        description:
          'hours served; required when a resident volunteer completes an elder check or volunteer order',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ReasonBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 1000 }) },
  { additionalProperties: false },
);

export const RateBody = Type.Object(
  {
    score: Type.Integer({ minimum: 1, maximum: 5 }),
    comment: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const SORT_KEYS = ['createdAt', 'updatedAt', 'responseDueAt', 'status', 'category'] as const;

export const ListQuery = Type.Object({
  status: Type.Optional(StatusSchema),
  category: Type.Optional(CategorySchema),
  source: Type.Optional(SourceSchema),
  gridId: Type.Optional(Ref),
  assigneeId: Type.Optional(Ref),
  teamId: Type.Optional(Ref),
  reporterId: Type.Optional(Ref),
  from: Type.Optional(Type.Integer({ description: 'created at or after (ms)' })),
  to: Type.Optional(Type.Integer({ description: 'created before (ms)' })),
  sort: Type.Optional(Type.Enum([...SORT_KEYS], { default: 'createdAt' })),
  order: Type.Optional(Type.Enum(['asc', 'desc'], { default: 'desc' })),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
});

export const PageOut = Type.Object({
  items: Type.Array(WorkOrderOut),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export const LandedSuggestionOut = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  location: Type.String(),
  outcome: NullableString,
  proposedAt: Ms,
  landedAt: Ms,
  rating: Type.Union([Type.Integer(), Type.Null()]),
});

// ---- teams
export const TeamOut = Type.Object({
  id: Type.String(),
  name: Type.String(),
  leadId: NullableString,
  memberIds: Type.Array(Type.String()),
  createdAt: Ms,
});
export const CreateTeamBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    leadId: Type.Optional(Ref),
    memberIds: Type.Optional(Type.Array(Ref, { maxItems: 200 })),
  },
  { additionalProperties: false },
);

// ---- SLA
export const SlaPolicyOut = Type.Object({
  category: CategorySchema,
  responseMinutes: Type.Integer(),
  isDefault: Type.Boolean(),
  updatedAt: NullableMs,
  updatedBy: NullableString,
});
export const SlaPolicyBody = Type.Object(
  { responseMinutes: Type.Integer({ minimum: 1, maximum: 60 * 24 * 30 }) },
  { additionalProperties: false },
);
export const CategoryParams = Type.Object({ category: CategorySchema });

export const SlaReportQuery = Type.Object({
  from: Type.Optional(Type.Integer({ description: 'orders created at or after (ms)' })),
  to: Type.Optional(Type.Integer({ description: 'orders created before (ms)' })),
});
const SlaCounts = Type.Object({
  total: Type.Integer(),
  acknowledged: Type.Integer(),
  breached: Type.Integer(),
  escalatedToLead: Type.Integer(),
  escalatedToManager: Type.Integer(),
  averageResponseMinutes: Type.Union([Type.Number(), Type.Null()]),
});
export const SlaReportOut = Type.Object({
  from: NullableMs,
  to: NullableMs,
  overall: SlaCounts,
  byCategory: Type.Array(Type.Object({ category: CategorySchema, ...SlaCounts.properties })),
  openBreaches: Type.Array(
    Type.Object({
      id: Type.String(),
      title: Type.String(),
      category: CategorySchema,
      status: StatusSchema,
      responseDueAt: Ms,
      breachedAt: Ms,
      escalationLevel: Type.Integer(),
      escalatedToLeadAt: NullableMs,
      escalatedToManagerAt: NullableMs,
    }),
  ),
});
