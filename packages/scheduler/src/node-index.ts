import type { RankRecord } from './ranking';
import { ConstraintClass, type NodeState } from './state';
import { IndexedSet } from './structures';
import type { NodeSpec, QueueReason, WorkUnit } from './types';

/**
 * The online nodes and the indexes placement reads: per constraint class the nodes with a free
 * slot, per module digest the nodes caching it, per region a count. Every update is O(classes).
 */
export class NodeIndex {
  private readonly nodes = new Map<string, NodeState>();
  private readonly classes = new Map<string, ConstraintClass>();
  /** The same classes as an array, iterated on every `place()`. */
  readonly classList: ConstraintClass[] = [];
  /** Classes of units constrained by region alone (the common case), looked up without a key string. */
  private readonly regionOnlyClass = new Map<string | undefined, ConstraintClass>();
  private readonly regionNodes = new Map<string, number>();
  private readonly moduleHolders = new Map<string, IndexedSet<NodeState>>();
  totalSlots = 0;

  get size(): number {
    return this.nodes.size;
  }

  get(nodeId: string): NodeState | undefined {
    return this.nodes.get(nodeId);
  }

  values(): IterableIterator<NodeState> {
    return this.nodes.values();
  }

  add(spec: NodeSpec, rank: RankRecord): NodeState {
    const node: NodeState = {
      id: spec.id,
      slots: spec.slots,
      workers: spec.workers ?? spec.slots,
      region: spec.region,
      memoryMb: spec.memoryMb ?? 0,
      features: new Set(spec.features ?? []),
      modules: new Set(),
      running: [],
      freePos: [],
      classes: [],
      listedFree: false,
      online: true,
      rank,
    };
    this.nodes.set(spec.id, node);
    for (const digest of spec.modules ?? []) this.addModule(node, digest);
    this.list(node);
    return node;
  }

  /** New capabilities for a registered node; what it runs is kept. */
  update(node: NodeState, spec: NodeSpec): void {
    this.unlist(node);
    node.slots = spec.slots;
    node.workers = spec.workers ?? spec.slots;
    node.region = spec.region;
    node.memoryMb = spec.memoryMb ?? 0;
    node.features = new Set(spec.features ?? []);
    for (const digest of spec.modules ?? []) this.addModule(node, digest);
    this.list(node);
  }

  setSlots(node: NodeState, slots: number): void {
    this.totalSlots += slots - node.slots;
    node.slots = slots;
    this.updateFree(node);
  }

  remove(node: NodeState): void {
    this.unlist(node);
    node.online = false;
    this.nodes.delete(node.id);
    for (const digest of node.modules) this.moduleHolders.get(digest)?.delete(node);
  }

  addModule(node: NodeState, digest: string): void {
    if (node.modules.has(digest)) return;
    node.modules.add(digest);
    let holders = this.moduleHolders.get(digest);
    if (!holders) this.moduleHolders.set(digest, (holders = new IndexedSet()));
    holders.add(node);
  }

  removeModule(node: NodeState, digest: string): void {
    if (!node.modules.delete(digest)) return;
    const holders = this.moduleHolders.get(digest);
    holders?.delete(node);
    if (holders?.size === 0) this.moduleHolders.delete(digest);
  }

  holders(digest: string | undefined): IndexedSet<NodeState> | undefined {
    return digest === undefined ? undefined : this.moduleHolders.get(digest);
  }

  classFor(unit: WorkUnit): ConstraintClass {
    const regionOnly = !unit.minMemoryMb && !unit.features?.length;
    let cls = regionOnly ? this.regionOnlyClass.get(unit.region) : undefined;
    if (cls) return cls;
    const { key, minMemoryMb, features } = ConstraintClass.keyOf(unit);
    cls = this.classes.get(key);
    if (cls) return cls;
    cls = new ConstraintClass(this.classList.length, key, unit.region, minMemoryMb, features);
    this.classes.set(key, cls);
    this.classList.push(cls);
    if (regionOnly) this.regionOnlyClass.set(unit.region, cls);
    // Once per distinct constraint set: the only scan over all nodes.
    for (const node of this.nodes.values()) {
      if (!cls.admits(node)) continue;
      node.classes.push(cls);
      cls.nodeCount++;
      if (node.listedFree) cls.addFree(node);
    }
    return cls;
  }

  /** Keeps the node in its classes' free sets exactly while it is online with a spare slot. */
  updateFree(node: NodeState): void {
    const free = node.online && node.running.length < node.slots;
    if (free === node.listedFree) return;
    node.listedFree = free;
    for (const cls of node.classes) {
      if (free) cls.addFree(node);
      else cls.free.delete(node);
    }
  }

  /** Why a class's units wait when no node could ever take them now. */
  absentReason(cls: ConstraintClass): QueueReason | undefined {
    if (cls.nodeCount > 0) return undefined;
    if (cls.region !== undefined && (this.regionNodes.get(cls.region) ?? 0) === 0) return 'no_node_in_region';
    if (cls.minMemoryMb > 0 || cls.features.length > 0) return 'no_node_with_capability';
    return 'waiting_for_slot';
  }

  private list(node: NodeState): void {
    this.regionNodes.set(node.region, (this.regionNodes.get(node.region) ?? 0) + 1);
    this.totalSlots += node.slots;
    node.classes = [];
    for (const cls of this.classList) {
      if (!cls.admits(node)) continue;
      node.classes.push(cls);
      cls.nodeCount++;
    }
    node.listedFree = false;
    this.updateFree(node);
  }

  private unlist(node: NodeState): void {
    this.regionNodes.set(node.region, (this.regionNodes.get(node.region) ?? 1) - 1);
    this.totalSlots -= node.slots;
    for (const cls of node.classes) {
      cls.nodeCount--;
      if (node.listedFree) cls.free.delete(node);
    }
    node.classes = [];
    node.listedFree = false;
  }
}
