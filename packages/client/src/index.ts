export { TabgridClient, type TabgridClientOptions, type CallOptions, type FetchLike } from './client';
export { TabgridApiError } from './errors';
export {
  parseHealth,
  parseUploadedFunction,
  parseFunctionInfo,
  parseFunctionList,
  parseInvokeResult,
  parseNodeInfo,
  parseNodeList,
} from './parse-responses';
export { parseEnvLines, parseArgLines, parseEnvPair } from './task-input';
