// One headless volunteer for bench/distributed.ts, in its own process (as a volunteer machine would
// be): `node --import tsx bench/distributed-agent.ts SERVER_URL DATA_DIR SLOTS [relay]`; `relay`
// skips WebRTC (tabgrid-node --relay), for the comparison row.
// Prints one JSON line {"nodeId","transport"} on stdout once connected; SIGTERM stops it cleanly
// (agent.stop(): the link closes, the orchestrator re-queues its leases at once).
import { startNodeAgent, type NodeAgent } from '@tabgrid/node/node';

const [serverUrl, dataDir, slotsArg, transportArg] = process.argv.slice(2);
if (!serverUrl || !dataDir || !slotsArg || (transportArg !== undefined && transportArg !== 'relay')) {
  process.stderr.write('usage: distributed-agent.ts SERVER_URL DATA_DIR SLOTS [relay]\n');
  process.exit(64);
}

let announced = false;
let agent: NodeAgent | undefined;
agent = startNodeAgent({
  serverUrl,
  dataDir,
  slots: Number(slotsArg),
  region: 'bench',
  forceRelay: transportArg === 'relay',
  onChange: (snapshot) => {
    if (snapshot.phase === 'connected' && !announced) {
      announced = true;
      // onChange may run before startNodeAgent has returned: report from a later turn.
      queueMicrotask(() => process.stdout.write(`${JSON.stringify({ nodeId: agent?.nodeId, transport: snapshot.transport })}\n`));
    }
    if (snapshot.phase === 'refused') {
      process.stderr.write(`[agent] refused: ${snapshot.message}\n`);
      process.exit(3);
    }
  },
});

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void agent!.stop().then(() => process.exit(0));
});
