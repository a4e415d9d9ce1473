import { describe, expect, it } from 'vitest';
import { regionFromQuery, regionFromTimeZone } from './region';

describe('regionFromTimeZone', () => {
  it.each([
    ['Europe/Berlin', 'eu'],
    ['America/Argentina/Buenos_Aires', 'us'],
    ['America/New_York', 'us'],
    ['Asia/Tokyo', 'asia'],
    ['Australia/Sydney', 'other'],
    ['UTC', 'other'],
    [undefined, 'other'],
  ])('%s → %s', (tz, region) => {
    expect(regionFromTimeZone(tz)).toBe(region);
  });
});

describe('regionFromQuery', () => {
  it('accepts known regions only', () => {
    expect(regionFromQuery('eu')).toBe('eu');
    expect(regionFromQuery('mars')).toBeUndefined();
    expect(regionFromQuery(null)).toBeUndefined();
  });
});
