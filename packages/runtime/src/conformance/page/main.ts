// The browser side of the conformance runner: the real browser pool, driven through page.evaluate.
import { createBrowserPool } from '../../browser-pool';
import type { ModuleRef, TaskSpec } from '../../types';
import { fromJson, toJson } from '../wire';

const pool = createBrowserPool({ size: 2 });

declare global {
  interface Window {
    /** Takes and returns `toJson` text: `{ module, task }` in, a TaskOutcome out. */
    tabgridRun(request: string): Promise<string>;
  }
}

window.tabgridRun = async (request) => {
  const { module, task } = fromJson<{ module: ModuleRef; task: TaskSpec }>(request);
  return toJson(await pool.run(module, task));
};
document.title = 'ready';
