import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../ports/clock.js';
import { DEFAULT_TIMEZONE, isIanaTimeZone } from './timezone.js';

export interface Job {
  name: string;
  /** Cron expression, e.g. '* * * * *' (every minute). */
  schedule: string;
  /** IANA zone whose wall clock `schedule` is read in; default: the scheduler's (config TZ). */
  timezone?: string;
  /** Calls services, nothing else; gets the time from the scheduler's clock. */
  run(now: number): Promise<unknown>;
}

export interface SchedulerLogger {
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/**
 * node-cron jobs. The constructor wires; start() creates the timers; stop() destroys them. A run
 * that throws is logged and the next tick runs as usual; a run still busy at the next tick is
 * skipped rather than stacked (noOverlap). Schedules are read in a configured zone, never in the
 * server's local time, which on a cloud host is usually UTC.
 */
export class Scheduler {
  private readonly jobs: Job[] = [];
  private tasks = new Map<string, ScheduledTask>();
  private readonly timezone: string;

  constructor(
    private readonly clock: Clock,
    private readonly logger: SchedulerLogger,
    options: { timezone?: string } = {},
  ) {
    this.timezone = options.timezone ?? DEFAULT_TIMEZONE;
    if (!isIanaTimeZone(this.timezone)) throw new Error(`scheduler: unknown time zone ${this.timezone}`);
  }

  add(job: Job): this {
    if (!cron.validate(job.schedule))
      throw new Error(`job ${job.name}: invalid cron expression ${job.schedule}`);
    if (this.jobs.some((j) => j.name === job.name)) throw new Error(`job ${job.name}: added twice`);
    if (job.timezone !== undefined && !isIanaTimeZone(job.timezone))
      throw new Error(`job ${job.name}: unknown time zone ${job.timezone}`);
    this.jobs.push(job);
    return this;
  }

  /** The zone a job's schedule is read in. */
  timezoneOf(name: string): string {
    return this.job(name).timezone ?? this.timezone;
  }

  /** When a started job runs next (null once stopped). */
  nextRun(name: string): Date | null {
    this.job(name);
    return this.tasks.get(name)?.getNextRun() ?? null;
  }

  /** Runs a job once now (start-up catch-up, tests). */
  async runNow(name: string): Promise<unknown> {
    return this.guarded(this.job(name));
  }

  start(): void {
    if (this.tasks.size > 0) return;
    for (const job of this.jobs) {
      const task = cron.schedule(job.schedule, () => this.guarded(job), {
        name: job.name,
        noOverlap: true,
        timezone: this.timezoneOf(job.name),
      });
      this.tasks.set(job.name, task);
    }
  }

  async stop(): Promise<void> {
    const tasks = [...this.tasks.values()];
    this.tasks = new Map();
    await Promise.all(tasks.map((t) => t.destroy()));
  }

  private job(name: string): Job {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`no job ${name}`);
    return job;
  }

  private async guarded(job: Job): Promise<unknown> {
    try {
      const result = await job.run(this.clock.now());
      this.logger.debug({ job: job.name, result }, 'job ran');
      return result;
    } catch (err) {
      this.logger.error({ err, job: job.name }, 'job failed');
      return undefined;
    }
  }
}
