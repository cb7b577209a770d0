import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../ports/clock.js';

export interface Job {
  name: string;
  /** Cron expression, e.g. '* * * * *' (every minute). */
  schedule: string;
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
 * skipped rather than stacked (noOverlap).
 */
export class Scheduler {
  private readonly jobs: Job[] = [];
  private tasks: ScheduledTask[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly logger: SchedulerLogger,
  ) {}

  add(job: Job): this {
    if (!cron.validate(job.schedule))
      throw new Error(`job ${job.name}: invalid cron expression ${job.schedule}`);
    this.jobs.push(job);
    return this;
  }

  /** Runs a job once now (start-up catch-up, tests). */
  async runNow(name: string): Promise<unknown> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`no job ${name}`);
    return this.guarded(job);
  }

  start(): void {
    if (this.tasks.length > 0) return;
    this.tasks = this.jobs.map((job) =>
      cron.schedule(job.schedule, () => this.guarded(job), { name: job.name, noOverlap: true }),
    );
  }

  async stop(): Promise<void> {
    const tasks = this.tasks;
    this.tasks = [];
    await Promise.all(tasks.map((t) => t.destroy()));
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
