export { Scheduler } from './scheduler';
export { seededRandom } from './structures';
export type * from './types';
