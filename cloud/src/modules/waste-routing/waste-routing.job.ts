/**
 * Scheduled work of the module, as plain job records (name, cron expression, handler) for the
 * cloud's node-cron scheduler: the morning plan, intraday checks on live fill levels, and a
 * frequent check for burning or fallen bins.
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
  const { cron, timezone, intradayChecks } = service.config;
  const intraday = intradayChecks.map((hhmm): WasteJob => {
    const [hours, minutes] = hhmm.split(':').map(Number);
    return {
      name: `waste-routing.intraday-${hhmm}`,
      schedule: `${minutes} ${hours} * * *`,
      timezone,
      run: () => service.checkIntraday(),
    };
  });
  return [
    {
      name: 'waste-routing.plan',
      schedule: cron,
      timezone,
      run: async () => {
        const round = await service.planDay();
        return {
          date: round.date,
          trucks: round.trucks.length,
          km: round.distanceM / 1000,
          ...(round.warnings ? { warnings: round.warnings } : {}),
        };
      },
    },
    {
      name: 'waste-routing.urgent',
      schedule: '*/5 * * * *',
      timezone,
      run: () => service.checkUrgent(),
    },
    ...intraday,
  ];
}
