import { ApiKeyPanel } from './ApiKeyPanel';
import { FunctionsPanel } from './FunctionsPanel';
import { InvokePanel } from './InvokePanel';
import { NetworkPanel } from './NetworkPanel';

export function Dashboard() {
  return (
    <div className="stack">
      <ApiKeyPanel />
      <FunctionsPanel />
      <InvokePanel />
      <NetworkPanel />
    </div>
  );
}
