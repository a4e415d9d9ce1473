import { Scheduler } from '../scheduler';
import { IndexedSet, MinHeap, seededRandom } from '../structures';
import type { Assignment, NodeFailureOutcome } from '../types';
import { Histogram } from './histogram';
import { Dice, jobs, meanCost, meanSlots, nodeProfile, type SimJob, type SimNodeProfile } from './workload';

export interface SimOptions {
  nodes: number;
  tasks: number;
  seed: number;
  /** Fraction of the nodes that leave per simulated minute; each comes back, some with a new identity. */
  churn: number;
  /** Fraction of the nodes that go silent per simulated minute (no results, no heartbeats) until the hub drops them. */
  hang?: number;
  /** Fraction of tasks that kill whichever node runs them: they must end quarantined. */
  poison?: number;
  /** Steps between full invariant sweeps; every step checks what it touched. */
  fullCheckEvery?: number;
  /** Real clock in ms for decision latency; without it nothing is timed. */
  timer?: () => number;
  onProgress?: (resolved: number, total: number, simMs: number) => void;
}

export interface SimReport {
  seed: number;
  nodes: number;
  tasks: number;
  units: number;
  simMs: number;
  steps: number;
  fullChecks: number;
  placeCalls: number;
  decisions: number;
  completed: number;
  quarantined: number;
  poisonUnits: number;
  requeued: number;
  leaseExpiries: number;
  nodeLeaves: number;
  speculative: number;
  speculativeWins: number;
  /** Share of placements onto a node that already cached the module. */
  localityHits: number;
  /** Decisions per second of real time spent inside `place()`. */
  decisionsPerSec: number;
  p50DecisionUs: number;
  p99DecisionUs: number;
  p99PlaceCallUs: number;
}

export class SimFailure extends Error {
  constructor(message: string, readonly seed: number, readonly step: number, readonly simMs: number) {
    super(`seed ${seed}, step ${step}, t=${simMs} ms: ${message}`);
  }
}

interface SimNode {
  id: string;
  profile: SimNodeProfile;
  alive: boolean;
  zombie: boolean;
  lastHeartbeat: number;
  inFlight: Set<SimAttempt>;
  modules: Set<string>;
}

interface SimAttempt {
  id: string;
  unit: number;
  node: SimNode;
  live: boolean;
  speculative: boolean;
}

type SimEvent = { at: number } & (
  | { kind: 'finish' | 'reject' | 'crash'; attempt: SimAttempt }
  | { kind: 'join'; node: SimNode }
  | { kind: 'tick' }
  | { kind: 'arrive'; job: SimJob }
);

const TICK_MS = 1_000;
const HEARTBEAT_MS = 5_000;
const LEASE_EXTEND_MS = 15_000;
const FETCH_MS = 150;
const REJECT_RATE = 0.002;

/** Drives the real scheduler through a seeded world under a fake clock, checking invariants as it goes. */
export function simulate(options: SimOptions): SimReport {
  return new Simulation(options).run();
}

class Simulation {
  private now = 0;
  private step = 0;
  private readonly dice: Dice;
  private readonly scheduler: Scheduler;
  private readonly events = new MinHeap<SimEvent>((e) => e.at);
  private readonly nodesById = new Map<string, SimNode>();
  private readonly alive = new IndexedSet<SimNode>();
  private readonly zombies = new Set<SimNode>();
  private readonly attempts = new Map<string, SimAttempt>();
  private readonly jobs: SimJob[];
  private readonly unitIndex = new Map<string, number>();
  private readonly unitJob: Int32Array;
  private readonly unitCost: Float32Array;
  /** Task number of each unit (replicas share one). */
  private readonly unitTask: Int32Array;
  private nextTask = 0;
  private readonly done: Uint8Array;
  private readonly quarantined: Uint8Array;
  private readonly poison: Uint8Array;
  private readonly totalUnits: number;
  private nextNodeId = 0;
  private nextUnit = 0;
  private resolved = 0;
  private readonly decisionLatency = new Histogram();
  private readonly callLatency = new Histogram();
  private readonly report: SimReport;

  constructor(private readonly options: SimOptions) {
    this.dice = new Dice(seededRandom(options.seed));
    this.scheduler = new Scheduler({ now: () => this.now, random: seededRandom(options.seed ^ 0x5eed) });
    const capacityPerMs = options.nodes * meanSlots();
    const spreadMs = Math.max(1_000, (options.tasks * meanCost()) / capacityPerMs);
    this.jobs = jobs(this.dice, options.tasks, spreadMs);
    this.totalUnits = this.jobs.reduce((n, j) => n + j.size * j.replicas, 0);
    this.unitJob = new Int32Array(this.totalUnits);
    this.unitCost = new Float32Array(this.totalUnits);
    this.unitTask = new Int32Array(this.totalUnits);
    this.done = new Uint8Array(this.totalUnits);
    this.quarantined = new Uint8Array(this.totalUnits);
    this.poison = new Uint8Array(this.totalUnits);
    this.report = {
      seed: options.seed,
      nodes: options.nodes,
      tasks: options.tasks,
      units: this.totalUnits,
      ...{ simMs: 0, steps: 0, fullChecks: 0, placeCalls: 0, decisions: 0, completed: 0, quarantined: 0, poisonUnits: 0 },
      ...{ requeued: 0, leaseExpiries: 0, nodeLeaves: 0, speculative: 0, speculativeWins: 0, localityHits: 0 },
      ...{ decisionsPerSec: 0, p50DecisionUs: 0, p99DecisionUs: 0, p99PlaceCallUs: 0 },
    };
  }

  run(): SimReport {
    for (let i = 0; i < this.options.nodes; i++) this.join(this.newNode());
    for (const job of this.jobs) this.events.push({ at: job.arrivesAt, kind: 'arrive', job });
    this.events.push({ at: 0, kind: 'tick' });
    const fullCheckEvery = this.options.fullCheckEvery ?? 10_000;
    // Long enough for every region and capability to come back under churn; a stall means lost work.
    const deadline = 2 * 60 * 60_000;
    let placeMs = 0;
    let localHits = 0;
    while (this.resolved < this.totalUnits) {
      const event = this.events.pop();
      if (!event) this.fail('no events left with units unresolved');
      if (event.at > deadline) this.fail(`still unresolved after two simulated hours: ${JSON.stringify(this.scheduler.queueSummary())}`);
      this.now = event.at;
      this.handle(event);
      const t0 = this.options.timer?.() ?? 0;
      const placed = this.scheduler.place();
      if (this.options.timer) {
        const dt = this.options.timer() - t0;
        placeMs += dt;
        this.callLatency.record(dt);
        if (placed.length > 0) this.decisionLatency.record(dt / placed.length, placed.length);
      }
      this.report.placeCalls++;
      this.report.decisions += placed.length;
      for (const assignment of placed) localHits += this.assigned(assignment) ? 1 : 0;
      this.step++;
      if (fullCheckEvery > 0 && this.step % fullCheckEvery === 0) this.fullCheck();
      if (this.step % 200_000 === 0) this.options.onProgress?.(this.resolved, this.totalUnits, this.now);
    }
    this.finalCheck();
    const r = this.report;
    r.simMs = this.now;
    r.steps = this.step;
    r.localityHits = r.decisions === 0 ? 0 : localHits / r.decisions;
    r.decisionsPerSec = placeMs > 0 ? (r.decisions / placeMs) * 1_000 : 0;
    r.p50DecisionUs = this.decisionLatency.quantile(0.5) * 1_000;
    r.p99DecisionUs = this.decisionLatency.quantile(0.99) * 1_000;
    r.p99PlaceCallUs = this.callLatency.quantile(0.99) * 1_000;
    return r;
  }

  private handle(event: SimEvent): void {
    switch (event.kind) {
      case 'arrive':
        return this.arrive(event.job);
      case 'tick':
        return this.tick();
      case 'join':
        return this.join(event.node);
      case 'finish':
        return this.finish(event.attempt);
      case 'reject':
        if (event.attempt.live && !event.attempt.node.zombie) this.lost(this.scheduler.nodeFailed(event.attempt.id), 'reject');
        return;
      case 'crash':
        if (event.attempt.live && !event.attempt.node.zombie) this.leave(event.attempt.node);
        return;
      default:
        throw new Error(`unknown event ${String(event satisfies never)}`);
    }
  }

  private arrive(job: SimJob): void {
    const jobIndex = Number(job.id.slice(1));
    const units = [];
    for (let t = 0; t < job.size; t++) {
      const cost = job.costMs * this.dice.logNormal(0.25);
      const poison = this.dice.chance(this.options.poison ?? 1e-4);
      const task = this.nextTask++;
      for (let r = 0; r < job.replicas; r++) {
        const index = this.nextUnit++;
        const unitId = `${job.id}.${t}.${r}`;
        this.unitIndex.set(unitId, index);
        this.unitJob[index] = jobIndex;
        this.unitCost[index] = cost;
        this.unitTask[index] = task;
        if (poison) {
          this.poison[index] = 1;
          this.report.poisonUnits++;
        }
        units.push({
          unitId,
          taskId: `${job.id}.${t}`,
          jobId: job.id,
          region: job.region,
          leaseMs: job.costMs * 10 + 10_000,
          moduleDigest: job.digest,
          ...(job.minMemoryMb !== undefined && { minMemoryMb: job.minMemoryMb }),
          ...(job.features !== undefined && { features: job.features }),
        });
      }
    }
    this.scheduler.submit(units);
  }

  private tick(): void {
    for (const outcome of this.scheduler.expireLeases()) {
      this.report.leaseExpiries++;
      this.lost(outcome, 'expiry');
    }
    const tickNo = Math.round(this.now / TICK_MS);
    if (tickNo % (HEARTBEAT_MS / TICK_MS) === 0) {
      for (let i = 0; i < this.alive.size; i++) {
        const node = this.alive.at(i)!;
        if (node.zombie) continue;
        this.scheduler.renewLeases(node.id, LEASE_EXTEND_MS);
        node.lastHeartbeat = this.now;
      }
    }
    // The hub drops a node after four missed heartbeats; its leases (renewed for 3) run out first.
    for (const zombie of [...this.zombies]) if (this.now - zombie.lastHeartbeat > 4 * HEARTBEAT_MS) this.leave(zombie);
    const perTick = (this.options.churn * this.alive.size * TICK_MS) / 60_000;
    for (let n = this.round(perTick); n > 0 && this.alive.size > 1; n--) this.leave(this.alive.at(this.dice.int(this.alive.size))!);
    const hangPerTick = ((this.options.hang ?? this.options.churn / 10) * this.alive.size * TICK_MS) / 60_000;
    for (let n = this.round(hangPerTick); n > 0; n--) this.zombies.add(this.alive.at(this.dice.int(this.alive.size))!);
    for (const z of this.zombies) z.zombie = true;
    this.events.push({ at: this.now + TICK_MS, kind: 'tick' });
  }

  private round(expected: number): number {
    return Math.floor(expected) + (this.dice.chance(expected % 1) ? 1 : 0);
  }

  private newNode(): SimNode {
    return {
      id: `n${this.nextNodeId++}`,
      profile: nodeProfile(this.dice),
      alive: false,
      zombie: false,
      lastHeartbeat: 0,
      inFlight: new Set(),
      modules: new Set(),
    };
  }

  private join(node: SimNode): void {
    node.alive = true;
    node.zombie = false;
    node.lastHeartbeat = this.now;
    this.nodesById.set(node.id, node);
    this.alive.add(node);
    const p = node.profile;
    this.scheduler.addNode({ id: node.id, slots: p.slots, region: p.region, memoryMb: p.memoryMb, features: p.features, modules: node.modules });
  }

  private leave(node: SimNode): void {
    if (!node.alive) return;
    this.report.nodeLeaves++;
    const held = [...node.inFlight];
    const outcomes = this.scheduler.removeNode(node.id);
    if (outcomes.length !== held.length) this.fail(`${node.id} left holding ${held.length} attempts, scheduler reported ${outcomes.length}`);
    for (const outcome of outcomes) this.lost(outcome, 'leave');
    if (node.inFlight.size !== 0) this.fail(`${node.id} left but ${node.inFlight.size} attempts were not reported`);
    if (this.scheduler.hasNode(node.id) || this.scheduler.runningOn(node.id) !== 0) this.fail(`${node.id} still known after leaving`);
    for (const attempt of held) {
      if (this.scheduler.leaseOf(attempt.id)?.nodeId === node.id) this.fail(`lease of ${attempt.id} outlived ${node.id}`);
    }
    node.alive = false;
    this.alive.delete(node);
    this.zombies.delete(node);
    // Tabs come back: most keep their identity (and module cache), some are new visitors.
    const back = this.dice.chance(0.6) ? node : this.newNode();
    this.events.push({ at: this.now + 5_000 + this.dice.int(55_000), kind: 'join', node: back });
  }

  /** The dispatcher's side of an assignment: run it on the simulated node. Returns whether the module was cached. */
  private assigned(a: Assignment): boolean {
    const node = this.nodesById.get(a.nodeId);
    if (!node?.alive) this.fail(`${a.unitId} placed on ${a.nodeId}, which is not online`);
    const unit = this.unitIndex.get(a.speculativeOf ?? a.unitId);
    if (unit === undefined) this.fail(`unknown unit ${a.unitId}`);
    if (this.done[unit] || this.quarantined[unit]) this.fail(`${a.unitId} placed after it was resolved`);
    if (this.attempts.has(a.unitId)) this.fail(`attempt ${a.unitId} placed twice at once`);
    for (const other of node.inFlight) {
      if (other.unit === unit) this.fail(`${a.unitId} placed on ${node.id}, which already runs a copy of it`);
      if (this.unitTask[other.unit] === this.unitTask[unit]) this.fail(`${a.unitId} placed beside a replica of its task on ${node.id}`);
    }
    const attempt: SimAttempt = { id: a.unitId, unit, node, live: true, speculative: a.speculativeOf !== undefined };
    this.attempts.set(a.unitId, attempt);
    node.inFlight.add(attempt);
    if (node.inFlight.size > node.profile.slots) this.fail(`${node.id} runs ${node.inFlight.size} > ${node.profile.slots} slots`);
    if (attempt.speculative) this.report.speculative++;
    const job = this.jobs[this.unitJob[unit]!]!;
    if (job.id !== `j${this.unitJob[unit]}`) this.fail('job index mismatch');
    const cached = node.modules.has(job.digest);
    const cost = this.unitCost[unit]! / node.profile.speed + (cached ? 0 : FETCH_MS);
    if (this.poison[unit]) this.events.push({ at: this.now + cost * 0.3, kind: 'crash', attempt });
    else if (this.dice.chance(REJECT_RATE)) this.events.push({ at: this.now + 5, kind: 'reject', attempt });
    else this.events.push({ at: this.now + cost, kind: 'finish', attempt });
    return cached;
  }

  private finish(attempt: SimAttempt): void {
    const node = attempt.node;
    if (!attempt.live || node.zombie) return; // cancelled, lost, or its node hangs
    if (this.scheduler.leaseOf(attempt.id)?.nodeId !== node.id) this.fail(`live attempt ${attempt.id} has no lease on ${node.id}`);
    const completion = this.scheduler.completeUnit(attempt.id);
    if (!completion) this.fail(`completing ${attempt.id} found nothing`);
    if (this.done[attempt.unit]) this.fail(`${completion.unitId} completed twice`);
    this.done[attempt.unit] = 1;
    this.resolved++;
    this.report.completed++;
    if (attempt.speculative) this.report.speculativeWins++;
    this.drop(attempt);
    for (const c of completion.cancel) {
      const other = this.attempts.get(c.unitId);
      if (!other?.live || other.node.id !== c.nodeId) this.fail(`asked to cancel ${c.unitId} on ${c.nodeId}, which does not run it`);
      this.drop(other);
    }
    const job = this.jobs[this.unitJob[attempt.unit]!]!;
    if (!node.modules.has(job.digest)) {
      node.modules.add(job.digest);
      this.scheduler.addNodeModule(node.id, job.digest);
    }
    if (job.replicas > 1) this.scheduler.recordAgreement(node.id, node.profile.honest || this.dice.chance(0.5));
    if (this.scheduler.runningOn(node.id) !== node.inFlight.size) this.fail(`${node.id}: scheduler counts ${this.scheduler.runningOn(node.id)} running, node ${node.inFlight.size}`);
  }

  private lost(outcome: NodeFailureOutcome | undefined, why: string): void {
    if (!outcome) return this.fail(`a ${why} of a live attempt was not known to the scheduler`);
    const attempt = this.attempts.get(outcome.attemptId ?? outcome.unitId);
    if (!attempt?.live) this.fail(`${why} reported ${outcome.attemptId ?? outcome.unitId}, which is not running`);
    this.drop(attempt);
    if (outcome.action === 'requeued') this.report.requeued++;
    if (outcome.action !== 'quarantined') return;
    const unit = attempt.unit;
    if (this.done[unit] || this.quarantined[unit]) this.fail(`${outcome.unitId} quarantined after it was resolved`);
    this.quarantined[unit] = 1;
    this.resolved++;
    this.report.quarantined++;
  }

  private drop(attempt: SimAttempt): void {
    attempt.live = false;
    attempt.node.inFlight.delete(attempt);
    this.attempts.delete(attempt.id);
  }

  private fullCheck(): void {
    this.report.fullChecks++;
    let running = 0;
    for (let i = 0; i < this.alive.size; i++) {
      const node = this.alive.at(i)!;
      running += node.inFlight.size;
      if (!this.scheduler.hasNode(node.id)) this.fail(`${node.id} is online but unknown to the scheduler`);
      if (node.inFlight.size > node.profile.slots) this.fail(`${node.id} over its slots`);
      if (this.scheduler.runningOn(node.id) !== node.inFlight.size) this.fail(`${node.id}: running counts differ`);
      for (const attempt of node.inFlight) {
        if (this.scheduler.leaseOf(attempt.id)?.nodeId !== node.id) this.fail(`${attempt.id} runs on ${node.id} without a lease there`);
      }
    }
    const stats = this.scheduler.stats();
    if (stats.units !== this.nextUnit - this.resolved) this.fail(`scheduler holds ${stats.units} units, ${this.nextUnit - this.resolved} are unresolved`);
    if (stats.backingOff > 0 && this.scheduler.nextWakeAt() === undefined) this.fail('units back off with no time to wake them');
    if (stats.running !== running) this.fail(`scheduler has ${stats.running} attempts running, the nodes ${running}`);
    if (stats.nodes !== this.alive.size) this.fail(`scheduler has ${stats.nodes} nodes, ${this.alive.size} are online`);
  }

  private finalCheck(): void {
    this.fullCheck();
    const stats = this.scheduler.stats();
    if (stats.queued !== 0 || stats.running !== 0 || stats.backingOff !== 0) this.fail(`left over: ${JSON.stringify(stats)}`);
    const reported = new Set(this.scheduler.quarantined().map((q) => q.unitId));
    for (const [unitId, index] of this.unitIndex) {
      if (this.done[index]! + this.quarantined[index]! !== 1) this.fail(`${unitId} was neither completed nor quarantined exactly once`);
      if (this.quarantined[index] && !reported.has(unitId)) this.fail(`${unitId} quarantined but not reported`);
      if (this.poison[index] && this.done[index]) this.fail(`poison unit ${unitId} completed`);
    }
    if (reported.size !== this.report.quarantined) this.fail(`${reported.size} reported quarantined, ${this.report.quarantined} seen`);
    if (this.unitIndex.size !== this.totalUnits) this.fail(`${this.unitIndex.size} of ${this.totalUnits} units submitted`);
  }

  private fail(message: string): never {
    throw new SimFailure(message, this.options.seed, this.step, this.now);
  }
}
