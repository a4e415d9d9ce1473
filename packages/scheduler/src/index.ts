export { Scheduler } from './scheduler';
export type * from './types';
