import { describe, expect, it } from 'vitest';
import { parseArgLines, parseEnvLines, parseEnvPair } from './task-input';

describe('task input text helpers', () => {
  it('splits K=V at the first equals sign', () => {
    expect(parseEnvPair('A=b=c')).toEqual(['A', 'b=c']);
    expect(parseEnvPair('EMPTY=')).toEqual(['EMPTY', '']);
    expect(() => parseEnvPair('=x')).toThrow(/KEY=VALUE/);
    expect(() => parseEnvPair('novalue')).toThrow(/KEY=VALUE/);
  });

  it('reads env and args one per line, skipping blank lines', () => {
    expect(parseEnvLines('A=1\r\n\nB=two words\nA=3\n')).toEqual({ A: '3', B: 'two words' });
    expect(parseArgLines('--count\n 3 \n\n-v\r\n')).toEqual(['--count', ' 3 ', '-v']);
  });
});
