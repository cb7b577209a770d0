import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { bearerAuth, type Guard } from '../auth/guard.js';
import type { Role } from '../users/users.model.js';
import type { WorkOrderQueries } from './work-orders.queries.js';
import {
  CompleteBody,
  CreateWorkOrderBody,
  DispatchBody,
  IdParams,
  LandedSuggestionOut,
  ListQuery,
  NoteBody,
  PageOut,
  RateBody,
  ReasonBody,
  WorkOrderDetailOut,
  WorkOrderOut,
} from './work-orders.schema.js';
import type { WorkOrdersService } from './work-orders.service.js';

export const EVERYONE: readonly Role[] = ['installer', 'social_worker', 'sanitation', 'manager', 'resident'];
/** Who can work on an order (residents too: volunteers do elder checks). Assignment is checked by the service. */
const WORKERS = EVERYONE;

const security = bearerAuth;
const tags = ['work-orders'];
const refusals = 'Refusals: `{error, message, details?}`, message in Accept-Language (zh-CN default, en).';

/** 报修/事件: the closed loop over HTTP. Residents see their own, staff their team's, managers all. */
export const workOrdersRoutes: FastifyPluginAsyncTypebox<{
  workOrders: WorkOrdersService;
  queries: WorkOrderQueries;
  guard: Guard;
}> = async (app, { workOrders, queries, guard }) => {
  const me = guard.principal.bind(guard);

  app.post(
    '/api/work-orders',
    {
      preHandler: guard.require(...EVERYONE),
      schema: {
        tags,
        security,
        summary: 'Report an issue or make a suggestion (source: resident or staff, from the caller)',
        description: `Missing required fields → 400 missing_fields naming every one. ${refusals}`,
        body: CreateWorkOrderBody,
        response: { 201: WorkOrderOut },
      },
    },
    async (request, reply) => reply.status(201).send(await workOrders.create(me(request), request.body)),
  );

  app.get(
    '/api/work-orders',
    {
      preHandler: guard.require(...EVERYONE),
      schema: {
        tags,
        security,
        summary: 'Work orders the caller may see, filtered, sorted and paged',
        querystring: ListQuery,
        response: { 200: PageOut },
      },
    },
    (request) => queries.list(me(request), request.query),
  );

  app.get(
    '/api/work-orders/:id',
    {
      preHandler: guard.require(...EVERYONE),
      schema: {
        tags,
        security,
        summary: 'One work order with its full history and photos (404 if unknown or not visible)',
        params: IdParams,
        response: { 200: WorkOrderDetailOut },
      },
    },
    (request) => queries.get(me(request), request.params.id),
  );

  const move = { tags, security, params: IdParams, response: { 200: WorkOrderOut } };
  // For moves whose body is all optional: no body at all means an empty one.
  const emptyBody = async (request: { body: unknown }) => {
    request.body ??= {};
  };
  const illegal = `An illegal move → 409 illegal_transition with details.current and details.allowed. ${refusals}`;
  app.post(
    '/api/work-orders/:id/dispatch',
    {
      preHandler: guard.require('manager'),
      schema: {
        ...move,
        summary: 'Dispatch (or re-dispatch) to a team and/or a person',
        description: illegal,
        body: DispatchBody,
      },
    },
    (request) => workOrders.dispatch(me(request), request.params.id, request.body),
  );
  app.post(
    '/api/work-orders/:id/start',
    {
      preHandler: guard.require(...WORKERS),
      preValidation: emptyBody,
      schema: {
        ...move,
        summary: 'Acknowledge and start work (stops the SLA clock)',
        description: illegal,
        body: NoteBody,
      },
    },
    (request) => workOrders.start(me(request), request.params.id, request.body.note),
  );
  app.post(
    '/api/work-orders/:id/complete',
    {
      preHandler: guard.require(...WORKERS),
      preValidation: emptyBody,
      schema: {
        ...move,
        summary: 'Complete, with a note and (volunteers) the hours served',
        description: illegal,
        body: CompleteBody,
      },
    },
    (request) => workOrders.complete(me(request), request.params.id, request.body),
  );
  app.post(
    '/api/work-orders/:id/rate',
    {
      preHandler: guard.require(...EVERYONE),
      schema: {
        ...move,
        summary: 'The reporter rates a completed order, 1-5, once',
        description: illegal,
        body: RateBody,
      },
    },
    (request) => workOrders.rate(me(request), request.params.id, request.body),
  );
  app.post(
    '/api/work-orders/:id/reject',
    {
      preHandler: guard.require('manager'),
      schema: { ...move, summary: 'Reject with a reason', description: illegal, body: ReasonBody },
    },
    (request) => workOrders.reject(me(request), request.params.id, request.body.reason),
  );
  app.post(
    '/api/work-orders/:id/cancel',
    {
      preHandler: guard.require(...EVERYONE),
      schema: {
        ...move,
        summary: 'Cancel with a reason (the reporter or a manager)',
        description: illegal,
        body: ReasonBody,
      },
    },
    (request) => workOrders.cancel(me(request), request.params.id, request.body.reason),
  );
  app.post(
    '/api/work-orders/:id/confirm-valid',
    {
      preHandler: guard.require('manager'),
      preValidation: emptyBody,
      schema: {
        ...move,
        summary: "Confirm a resident's report valid or accept a suggestion (awards points once)",
        body: NoteBody,
      },
    },
    (request) => workOrders.confirmValid(me(request), request.params.id, request.body.note),
  );

  app.get(
    '/api/public/suggestions-landed',
    {
      schema: {
        tags: ['public'],
        summary:
          '建议落地清单: accepted resident suggestions that were carried out (no login, no personal data)',
        querystring: Type.Object({
          page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
          pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(LandedSuggestionOut),
            total: Type.Integer(),
            page: Type.Integer(),
            pageSize: Type.Integer(),
          }),
        },
      },
    },
    (request) => queries.landedSuggestions(request.query.page, request.query.pageSize),
  );
};
