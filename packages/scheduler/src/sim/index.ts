export { simulate, SimFailure, type SimOptions, type SimReport } from './simulator';
