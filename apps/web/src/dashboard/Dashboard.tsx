import { ApiKeyPanel } from './ApiKeyPanel';
import { FunctionsPanel } from './FunctionsPanel';
import { InvokePanel } from './InvokePanel';
import { JobsPanel } from './JobsPanel';
import { NetworkPanel } from './NetworkPanel';

export function Dashboard() {
  return (
    <div className="stack">
      <ApiKeyPanel />
      <FunctionsPanel />
      <InvokePanel />
      <JobsPanel />
      <NetworkPanel />
    </div>
  );
}
