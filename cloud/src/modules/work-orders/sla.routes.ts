import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { bearerAuth, type Guard } from '../auth/guard.js';
import type { SlaService } from './sla.service.js';
import type { TeamsService } from './teams.service.js';
import {
  CategoryParams,
  CreateTeamBody,
  SlaPolicyBody,
  SlaPolicyOut,
  SlaReportOut,
  SlaReportQuery,
  TeamOut,
} from './work-orders.schema.js';

const STAFF = ['installer', 'social_worker', 'sanitation', 'manager'] as const;
const security = bearerAuth;

/** Response deadlines per category, the escalation report, and the teams orders go to. */
export const slaRoutes: FastifyPluginAsyncTypebox<{
  sla: SlaService;
  teams: TeamsService;
  guard: Guard;
}> = async (app, { sla, teams, guard }) => {
  app.get(
    '/api/sla/policies',
    {
      preHandler: guard.require(...STAFF),
      schema: {
        tags: ['sla'],
        security,
        summary: 'Response deadline per category',
        response: { 200: Type.Array(SlaPolicyOut) },
      },
    },
    () => sla.policies(),
  );
  app.put(
    '/api/sla/policies/:category',
    {
      preHandler: guard.require('manager'),
      schema: {
        tags: ['sla'],
        security,
        summary: 'Change a category’s response deadline (applies to orders created afterwards)',
        params: CategoryParams,
        body: SlaPolicyBody,
        response: { 200: SlaPolicyOut },
      },
    },
    (request) =>
      sla.setPolicy(request.params.category, request.body.responseMinutes, guard.principal(request).id),
  );
  app.get(
    '/api/sla/report',
    {
      preHandler: guard.require('manager'),
      schema: {
        tags: ['sla'],
        security,
        summary: 'Breaches, escalations and response times of orders created in a period',
        querystring: SlaReportQuery,
        response: { 200: SlaReportOut },
      },
    },
    (request) => sla.report(request.query.from, request.query.to),
  );

  app.get(
    '/api/work-teams',
    {
      preHandler: guard.require(...STAFF),
      schema: { tags: ['work-teams'], security, response: { 200: Type.Array(TeamOut) } },
    },
    () => teams.list(),
  );
  app.post(
    '/api/work-teams',
    {
      preHandler: guard.require('manager'),
      schema: {
        tags: ['work-teams'],
        security,
        summary: 'Create a team with its lead and members',
        body: CreateTeamBody,
        response: { 201: TeamOut },
      },
    },
    async (request, reply) => reply.status(201).send(await teams.create(request.body)),
  );
};
