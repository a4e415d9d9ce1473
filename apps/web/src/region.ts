export const REGIONS = [
  { id: 'eu', label: 'Europe' },
  { id: 'us', label: 'Americas' },
  { id: 'asia', label: 'Asia' },
  { id: 'other', label: 'Elsewhere' },
] as const;

export type Region = (typeof REGIONS)[number]['id'];

/** An IANA time zone like "Europe/Berlin" → the coarse region the scheduler places by. */
export function regionFromTimeZone(timeZone: string | undefined): Region {
  const continent = timeZone?.split('/')[0];
  switch (continent) {
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

/** `?region=` on the volunteer page, if it names a known region. */
export function regionFromQuery(value: string | null): Region | undefined {
  return value !== null && isRegion(value) ? value : undefined;
}
