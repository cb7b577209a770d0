const DAY = 86_400_000;

/**
 * Days and months in community time: a fixed UTC offset (China: UTC+8, no daylight saving), so a
 * daily cap resets and a month's leaderboard starts at local midnight.
 */
export class CommunityTime {
  private readonly offset: number;

  constructor(utcOffsetMinutes = 480) {
    this.offset = utcOffsetMinutes * 60_000;
  }

  /** [start, end) of the local day containing t. */
  dayOf(t: number): [number, number] {
    const start = Math.floor((t + this.offset) / DAY) * DAY - this.offset;
    return [start, start + DAY];
  }

  /** YYYY-MM of the local month containing t. */
  monthOf(t: number): string {
    const local = new Date(t + this.offset);
    return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
  }

  /** [start, end) of a YYYY-MM month, or undefined if it is not one. */
  monthRange(month: string): [number, number] | undefined {
    const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
    if (!match) return undefined;
    const [year, mon] = [Number(match[1]), Number(match[2])];
    return [Date.UTC(year, mon - 1, 1) - this.offset, Date.UTC(year, mon, 1) - this.offset];
  }
}
