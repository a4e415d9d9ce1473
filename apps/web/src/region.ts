import { isRegion, type Region } from '@tabgrid/protocol';

export { REGIONS, isRegion, regionFromTimeZone, type Region } from '@tabgrid/protocol';

/** `?region=` on the volunteer page, if it names a known region. */
export function regionFromQuery(value: string | null): Region | undefined {
  return value !== null && isRegion(value) ? value : undefined;
}
