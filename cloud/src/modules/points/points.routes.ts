import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { refuse } from '../../i18n/localized-error.js';
import { bearerAuth, type Guard } from '../auth/guard.js';
import type { Role } from '../users/users.model.js';
import type { CatalogueService } from './catalogue.service.js';
import type { PointsQueries } from './points.queries.js';
import {
  AdjustBody,
  AuditOut,
  AwardBody,
  CodeParams,
  CreateItemBody,
  ExpireBody,
  ItemOut,
  LeaderboardOut,
  LedgerOut,
  LedgerQuery,
  RedeemBody,
  RedemptionOut,
  RedemptionRowOut,
  RuleBody,
  RuleOut,
  SummaryOut,
  UpdateItemBody,
  WriteOut,
} from './points.schema.js';
import type { PointsService } from './points.service.js';

const EVERYONE: readonly Role[] = ['installer', 'social_worker', 'sanitation', 'manager', 'resident'];
/** Staff who witness what earns points (supervision rounds, meetings, mediations). */
const AWARDERS: readonly Role[] = ['social_worker', 'sanitation', 'manager'];
const security = bearerAuth;
const tags = ['points'];
const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** 积分: rules, the ledger, balances, levels and badges, the catalogue and redemptions. */
export const pointsRoutes: FastifyPluginAsyncTypebox<{
  points: PointsService;
  queries: PointsQueries;
  catalogue: CatalogueService;
  guard: Guard;
}> = async (app, { points, queries, catalogue, guard }) => {
  const me = (request: Parameters<Guard['principal']>[0]) => guard.principal(request);

  app.get(
    '/api/points/rules',
    {
      preHandler: guard.require(...EVERYONE),
      schema: { tags, security, summary: 'The rule table', response: { 200: Type.Array(RuleOut) } },
    },
    () => catalogue.rules(),
  );
  app.put(
    '/api/points/rules/:code',
    {
      preHandler: guard.require('manager'),
      schema: {
        tags,
        security,
        summary: 'Change a rule (points, unit, daily cap); a new code needs names and unit',
        params: CodeParams,
        body: RuleBody,
        response: { 200: RuleOut },
      },
    },
    (request) => catalogue.setRule(request.params.code, request.body, me(request).id),
  );

  app.post(
    '/api/points/awards',
    {
      preHandler: guard.require(...AWARDERS),
      schema: {
        tags,
        security,
        summary: 'Award points under a rule for a cause (once per rule, cause and resident)',
        body: AwardBody,
        response: { 201: WriteOut, 200: WriteOut },
      },
    },
    async (request, reply) => {
      const { accountId, ruleCode, quantity, causeId, note } = request.body;
      const result = await points.earn({
        accountId,
        ruleCode,
        quantity,
        cause: { type: 'staff_action', id: causeId },
        idempotencyKey: `staff:${ruleCode}:${causeId}:${accountId}`,
        actorId: me(request).id,
        note,
      });
      return reply.status(result.replayed ? 200 : 201).send(result);
    },
  );
  app.post(
    '/api/points/adjustments',
    {
      preHandler: guard.require('manager'),
      schema: {
        tags,
        security,
        summary: 'Correct a balance up or down, with a reason',
        body: AdjustBody,
        response: { 201: WriteOut, 200: WriteOut },
      },
    },
    async (request, reply) => {
      const result = await points.adjust({ ...request.body, actorId: me(request).id });
      return reply.status(result.replayed ? 200 : 201).send(result);
    },
  );
  app.post(
    '/api/points/expirations',
    {
      preHandler: guard.require('manager'),
      schema: {
        tags,
        security,
        summary: 'Expire points (never below zero)',
        body: ExpireBody,
        response: { 201: WriteOut, 200: WriteOut },
      },
    },
    async (request, reply) => {
      const result = await points.expire({ ...request.body, actorId: me(request).id });
      return reply.status(result.replayed ? 200 : 201).send(result);
    },
  );

  app.get(
    '/api/points/me',
    {
      preHandler: guard.require('resident'),
      schema: {
        tags,
        security,
        summary: 'My balance, lifetime points, level and badges',
        response: { 200: SummaryOut },
      },
    },
    (request) => queries.summary(me(request).id),
  );
  app.get(
    '/api/points/accounts/:id',
    {
      preHandler: guard.require(...EVERYONE),
      schema: {
        tags,
        security,
        summary: "A resident's balance, level and badges (public, like the ledger)",
        params: Id,
        response: { 200: SummaryOut },
      },
    },
    (request) => queries.summary(request.params.id),
  );
  app.get(
    '/api/points/ledger',
    {
      preHandler: guard.require(...EVERYONE),
      schema: {
        tags,
        security,
        summary: 'The public ledger (积分公示): every entry, newest first, optionally one account',
        querystring: LedgerQuery,
        response: { 200: LedgerOut },
      },
    },
    (request) => queries.ledger(request.query),
  );
  app.get(
    '/api/points/leaderboard',
    {
      preHandler: guard.require(...EVERYONE),
      schema: {
        tags,
        security,
        summary: 'Monthly top 10 by points earned (community time, UTC+8)',
        querystring: Type.Object({
          month: Type.Optional(Type.String({ description: 'YYYY-MM; default this month' })),
        }),
        response: { 200: LeaderboardOut },
      },
    },
    (request) => queries.leaderboard(request.query.month),
  );
  app.get(
    '/api/points/audit',
    {
      preHandler: guard.require('manager'),
      schema: {
        tags,
        security,
        summary: 'Check every account projection against the ledger',
        response: { 200: AuditOut },
      },
    },
    () => queries.audit(),
  );

  app.get(
    '/api/points/catalogue',
    {
      preHandler: guard.require(...EVERYONE),
      schema: {
        tags,
        security,
        summary: 'Redemption catalogue with stock',
        response: { 200: Type.Array(ItemOut) },
      },
    },
    () => catalogue.catalogue(),
  );
  app.post(
    '/api/points/catalogue',
    {
      preHandler: guard.require('manager'),
      schema: { tags, security, summary: 'Add an item', body: CreateItemBody, response: { 201: ItemOut } },
    },
    async (request, reply) => reply.status(201).send(await catalogue.addItem(request.body)),
  );
  app.patch(
    '/api/points/catalogue/:id',
    {
      preHandler: guard.require('manager'),
      schema: {
        tags,
        security,
        summary: 'Restock, reprice or withdraw an item',
        params: Id,
        body: UpdateItemBody,
        response: { 200: ItemOut },
      },
    },
    (request) => catalogue.updateItem(request.params.id, request.body),
  );

  app.post(
    '/api/points/redemptions',
    {
      preHandler: guard.require('resident'),
      schema: {
        tags,
        security,
        summary: 'Redeem an item: balance and stock are checked atomically',
        description:
          'Refusals: 409 insufficient_points (details.balance, details.cost), out_of_stock, item_inactive; 404 item_not_found.',
        body: RedeemBody,
        response: { 201: RedemptionOut, 200: RedemptionOut },
      },
    },
    async (request, reply) => {
      const result = await points.redeem(me(request).id, request.body.itemId, request.body.idempotencyKey);
      return reply.status(result.replayed ? 200 : 201).send(result);
    },
  );
  app.get(
    '/api/points/redemptions',
    {
      preHandler: guard.require('resident', 'manager'),
      schema: {
        tags,
        security,
        summary: 'Redemptions: a resident sees their own, a manager all (or one account)',
        querystring: Type.Object({ accountId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }),
        response: { 200: Type.Array(RedemptionRowOut) },
      },
    },
    (request) => {
      const caller = me(request);
      if (caller.role === 'resident') {
        if (request.query.accountId && request.query.accountId !== caller.id) {
          throw refuse(403, 'forbidden', { original: 'a resident sees only their own redemptions' });
        }
        return queries.redemptions(caller.id);
      }
      return queries.redemptions(request.query.accountId);
    },
  );
};
