export {
  TabgridClient,
  type TabgridClientOptions,
  type CallOptions,
  type EventsOptions,
  type ListJobsOptions,
  type FetchLike,
} from './client';
export { TabgridApiError } from './errors';
export type { WaitForJobOptions } from './wait-for-job';
export type { ServerEvent, NodeChange } from '@tabgrid/protocol';
export {
  parseHealth,
  parseUploadedFunction,
  parseFunctionInfo,
  parseFunctionList,
  parseInvokeResult,
  parseNodeInfo,
  parseNodeList,
  parseJobInfo,
  parseJobList,
  parseJobResult,
  parseServerEvent,
} from './parse-responses';
export { parseEnvLines, parseArgLines, parseEnvPair, tasksFromLines } from './task-input';
