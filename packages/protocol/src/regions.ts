/** The coarse regions placement filters on; a node announces one, a task may require one. */
export const REGIONS = [
  { id: 'eu', label: 'Europe' },
  { id: 'us', label: 'Americas' },
  { id: 'asia', label: 'Asia' },
  { id: 'other', label: 'Elsewhere' },
] as const;

export type Region = (typeof REGIONS)[number]['id'];

/** An IANA time zone like "Europe/Berlin" → its region: the default a volunteer is offered. */
export function regionFromTimeZone(timeZone: string | undefined): Region {
  switch (timeZone?.split('/')[0]) {
    case 'Europe':
      return 'eu';
    case 'America':
      return 'us';
    case 'Asia':
      return 'asia';
    default:
      return 'other';
  }
}

export function isRegion(value: string): value is Region {
  return REGIONS.some((r) => r.id === value);
}
