/**
 * Scheduled work of the module, as plain job records (name, cron expression, handler) for the
 * cloud's node-cron scheduler: the morning plan, and a frequent check for burning or fallen bins.
 * Handlers call the service and nothing else.
 */
import type { WasteRoutingService } from './waste-routing.service.js';

export interface WasteJob {
  name: string;
  schedule: string;
  timezone: string;
  run(now: number): Promise<unknown>;
}

export function wasteRoutingJobs(service: WasteRoutingService): WasteJob[] {
  const { cron, timezone } = service.config;
  return [
    {
      name: 'waste-routing.plan',
      schedule: cron,
      timezone,
      run: async () => {
        const round = await service.plan();
        return { date: round.date, trucks: round.trucks.length, km: round.distanceM / 1000 };
      },
    },
    {
      name: 'waste-routing.urgent',
      schedule: '*/5 * * * *',
      timezone,
      run: () => service.checkUrgent(),
    },
  ];
}
