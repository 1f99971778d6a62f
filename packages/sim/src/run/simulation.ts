/**
 * The interactive run: `createSimulation(spec)` validates a spec, loads its data and prepares its
 * engine; the {@link Simulation} advances in chunks, changes η/ρ mid-run, takes snapshots and
 * checkpoints, and builds the Result. `simulate` and `simulateStream` (stream.ts) run on it.
 */
import type { Dataset } from "../data/dataset.js";
import { featureMagnitudes, makeDataset, makeInit } from "../data/generators.js";
import { DiagonalNet, ReferenceRun } from "../engine/reference.js";
import { REC, type Algo, type EngineClock, type EngineRun, type Loss } from "../engine/types.js";
import { WasmRun, loadWasm } from "../engine/wasm.js";
import { createFlowRun, flowRecordTimes, isFlowSpec } from "../flows/flow.js";
import type { FlowEngineRun } from "../engine/types.js";
import { buildResult, type Result } from "./result.js";
import { recordSchedule } from "./schedule.js";
import { SpecError } from "../spec/errors.js";
import { LIMITS } from "../spec/limits.js";
import { isLoadedData } from "../spec/schema-data.js";
import { parseSpec, type Spec } from "../spec/schema.js";
import { loadDataset } from "../data/loaders/load.js";
import { CheckpointError, type SimulationState } from "./checkpoint.js";
import { OverflowCheck } from "./divergence.js";

function now(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

/** β = w_1 ⊙ … ⊙ w_L (layer-major flat w), left to right as every engine computes it. */
export function betaOfW(w: ArrayLike<number>, depth: number, d: number): number[] {
  const b = new Array<number>(d);
  for (let j = 0; j < d; j++) {
    let p = w[j]!;
    for (let l = 1; l < depth; l++) p *= w[l * d + j]!;
    b[j] = p;
  }
  return b;
}

/** A live run: advance it in chunks, change hyper-parameters mid-run, take snapshots, finish. */
export class Simulation {
  readonly spec: Spec;
  readonly data: Dataset;
  readonly schedule: Float64Array;
  readonly recordBeta: boolean;
  private readonly run: EngineRun;
  private readonly rows: Float64Array[] = [];
  private rowsRead = 0;
  private status: Result["status"] = { ok: true, state: "running" };
  private computeMs = 0;
  private stepsDone = 0;
  private algo: Algo;
  private loss: Loss;
  private lr: number;
  private rho: number;
  /** Set for "mode": "flow" (the same object as `run`). */
  private readonly flowRun?: FlowEngineRun;
  /** β at the start, and (discrete runs) the state at step ⌊steps/2⌋ once reached: the limit classifier's look-back point. */
  readonly initialBeta: number[];
  private lookBack?: { step: number; t: number; beta: number[] };

  /** `opts.data`: the data set already loaded (data files and named sources, see loadDataset). */
  constructor(spec: Spec, opts: { threads?: number; data?: Dataset } = {}) {
    this.spec = spec;
    const xF32 = spec.precision?.x === "f32";
    const data = opts.data ?? makeDataset(spec.data, spec.seed);
    this.data = xF32 ? roundXToF32(data) : data;
    const { n, d, x, y } = this.data;
    this.schedule = isFlowSpec(spec) ? flowRecordTimes(spec.tMax, spec.tMin, spec.record) : recordSchedule(spec.steps, spec.record);
    this.recordBeta = spec.record.beta === "auto" ? d <= LIMITS.autoBetaMaxD : spec.record.beta;
    checkMemory(spec, d, this.schedule.length, this.recordBeta);
    const w0 = makeInit(spec.init, spec.depth, d, spec.seed);
    this.initialBeta = betaOfW(w0, spec.depth, d);
    this.algo = spec.algo;
    this.loss = spec.loss;
    this.lr = spec.lr;
    this.rho = spec.rho;
    const init = { x, y, n, d, depth: spec.depth, w0, schedule: this.schedule, recordBeta: this.recordBeta, algo: spec.algo, loss: spec.loss, lr: spec.lr, rho: spec.rho, lrSchedule: spec.lrSchedule, group: spec.sam?.group, rhoSchedule: spec.rhoSchedule, rhoSteps: spec.steps, batch: spec.batch, batchSeed: spec.seed, xi: spec.sam?.xi, ascentSteps: spec.sam?.ascentSteps, sharpness: spec.record.sharpness === true };
    if (isFlowSpec(spec)) this.flowRun = createFlowRun(spec, init);
    this.run = this.flowRun ?? (spec.engine === "reference" ? new ReferenceRun(init) : new WasmRun(init, { threads: opts.threads, xF32 }));
    this.maybeSwitch();
    if (!this.flowRun && this.midStep === 0) this.lookBack = { step: 0, t: 0, beta: this.initialBeta.slice() };
  }

  /** The look-back step of a discrete run, ⌊steps/2⌋: a chunk always ends there (chunking never changes results). */
  get midStep(): number {
    return Math.floor(this.spec.steps / 2);
  }

  get step(): number {
    return this.run.stepCount();
  }
  /** The current time t (η·steps, Σ η_k, or the flow's t). */
  get time(): number {
    return this.run.time();
  }
  get done(): boolean {
    return this.status.state !== "running";
  }
  get engine(): EngineRun["engine"] {
    return this.run.engine;
  }

  /**
   * The spec's `switch`: at step s (< steps) the algorithm (and ρ when given) changes. Applied once the
   * run stands at s — before the row at s is recorded, so that row shows the new algorithm's ε — and
   * before any checkpoint there, so a checkpoint's hyper-parameters already carry it.
   */
  private maybeSwitch(): void {
    const sw = this.spec.switch;
    if (!sw || this.switched || sw.step >= this.spec.steps || this.run.stepCount() !== sw.step) return;
    this.switched = true;
    this.setHyper({ algo: sw.algo, ...(sw.rho !== undefined ? { rho: sw.rho } : {}) });
  }
  private switched = false;

  /** Changes η and/or ρ (or the algorithm) from the current step on. */
  setHyper(h: { lr?: number; rho?: number; algo?: Algo; loss?: Loss }): void {
    this.lr = h.lr ?? this.lr;
    this.rho = h.rho ?? this.rho;
    this.algo = h.algo ?? this.algo;
    this.loss = h.loss ?? this.loss;
    this.run.configure(this.algo, this.loss, this.lr, this.rho);
    this.chunkEnd = undefined; // configure moved the clock's base
  }

  /** Finite-state check of discrete runs (divergence.ts): β and margins, which the engines do not watch. */
  private overflow?: OverflowCheck;
  /** The last chunk's end state, checked finite: the next chunk's starting snapshot (cleared by anything that changes the run). */
  private chunkEnd?: { w: Float64Array; clock: EngineClock };

  /** Advances by up to `k` steps (never past spec.steps). Returns the steps actually taken. */
  advance(k: number): number {
    if (this.done) return 0;
    if (this.flowRun) return this.advanceFlow(this.flowRun, k);
    const start = this.run.stepCount();
    const until = Math.min(this.spec.steps, start + Math.max(0, Math.floor(k)));
    // chunks end at the look-back step (keep β there) and at the switch step (reconfigure there)
    for (const stop of [this.midStep, this.spec.switch?.step ?? -1]) {
      if (start < stop && until > stop) {
        const a = this.advance(stop - start);
        return this.done ? a : a + this.advance(until - stop);
      }
    }
    const mid = this.midStep;
    // the chunk's starting state (O(L·d)), to replay it if it ends with an overflowed β
    // (the previous chunk's checked end state when nothing changed since, so w is copied once per chunk)
    const cached = this.chunkEnd?.clock.step === start ? this.chunkEnd : undefined;
    const snap = this.run.restoreExact && this.run.clock ? (cached ?? { w: this.run.readW(), clock: this.run.clock() }) : undefined;
    this.chunkEnd = undefined;
    if (snap) {
      this.overflow ??= new OverflowCheck(this.data.x, this.data.y, this.data.n, this.data.d, this.spec.depth);
      const bad = start === 0 ? this.overflow.problem(snap.w) : undefined;
      if (bad) {
        this.run.recordNow();
        this.status = { ok: false, state: "nonfinite", nonfiniteStep: 0, message: `the initial state is not finite (${bad}); try a smaller initialization scale (alpha) or a smaller depth` };
        this.release();
        return 0;
      }
    }
    const t0 = now();
    let ok = this.run.run(until);
    if (snap) {
      const end = { w: this.run.readW(), clock: this.run.clock!() };
      if (this.overflow!.problem(end.w) !== undefined) ok = this.replayToOverflow(snap, until);
      else if (ok) this.chunkEnd = end;
    }
    this.computeMs += now() - t0;
    const taken = this.run.stepCount() - start;
    this.stepsDone += taken;
    if (this.status.state === "nonfinite") {
      this.release();
      return taken;
    }
    if (!ok) {
      const at = this.run.nonfiniteStep();
      this.run.recordNow();
      this.status = {
        ok: false,
        state: "nonfinite",
        nonfiniteStep: at,
        message: `a non-finite value appeared at step ${at}; the final state is the last finite one (step ${at - 1}); try a smaller step size (lr) than ${this.lr}`,
      };
    } else if (this.run.stepCount() >= this.spec.steps) {
      this.status = { ok: true, state: "finished" };
    }
    if (this.status.state !== "nonfinite" && this.run.stepCount() === mid && !this.lookBack) {
      this.lookBack = { step: mid, t: this.run.time(), beta: betaOfW(this.run.readW(), this.spec.depth, this.data.d) };
    }
    if (!this.done) this.maybeSwitch();
    if (this.done) this.release();
    return taken;
  }

  /**
   * A chunk ended with a non-finite β or margin while w stayed finite (or the engine stopped after
   * β had overflowed): replays the chunk from its start in 64 parts, then the first bad part in 64
   * parts, and so on (≈ one chunk of extra steps, only after a divergence), and stops at the last
   * finite state with the status naming the first bad step. Returns false when it is the engine's
   * own non-finite w that comes first (the ordinary engine path then reports it).
   */
  private replayToOverflow(snap: { w: Float64Array; clock: EngineClock }, until: number): boolean {
    const run = this.run;
    let from = snap;
    let end = until;
    for (;;) {
      run.restoreExact!(from.w, from.clock);
      const m = Math.max(1, Math.ceil((end - from.clock.step) / 64));
      let prev = from;
      let narrowed = false;
      for (let s = from.clock.step; s < end; s += m) {
        const e = Math.min(end, s + m);
        const ok = run.run(e);
        const w = run.readW();
        const bad = this.overflow!.problem(w);
        if (!bad && !ok) return false;
        if (bad) {
          if (ok && e - prev.clock.step === 1) {
            run.restoreExact!(prev.w, prev.clock);
            run.recordNow();
            this.status = {
              ok: false,
              state: "nonfinite",
              nonfiniteStep: e,
              message: `a non-finite value appeared at step ${e} (${bad}, w still finite); the final state is the last finite one (step ${e - 1}); try a smaller step size (lr) than ${this.lr}`,
            };
            return true;
          }
          from = prev;
          end = ok ? e : run.stepCount();
          narrowed = true;
          break;
        }
        prev = { w, clock: run.clock!() };
      }
      if (!narrowed) return true; // the replay ended finite (cannot happen for a deterministic engine)
    }
  }

  /** Ends an engine's helper thread once the run is over. */
  private release(): void {
    (this.run as { dispose?(): void }).dispose?.();
  }

  /** Flows: up to `k` integrator steps (accepted or rejected) towards tMax. Returns the accepted ones. */
  private advanceFlow(run: FlowEngineRun, k: number): number {
    const spec = this.spec;
    const start = run.stepCount();
    const s0 = run.flowStats();
    const budget = Math.max(1, Math.min(Math.floor(k), (spec.maxSteps ?? Infinity) - (s0.accepted + s0.rejected)));
    const t0 = now();
    const code = run.runFlow(spec.tMax!, budget);
    this.computeMs += now() - t0;
    const taken = run.stepCount() - start;
    this.stepsDone += taken;
    const s = run.flowStats();
    if (code === "reached") this.status = { ok: true, state: "finished" };
    else if (code === "nonfinite") {
      run.recordNow();
      this.status = { ok: false, state: "nonfinite", message: `the flow reached a non-finite value at t = ${run.time()} (after ${s.accepted} steps); the final state is the last finite one` };
    } else if (code === "stepUnderflow") {
      run.recordNow();
      this.status = { ok: false, state: "aborted", message: `step size underflow at t = ${run.time()}: the flow is too stiff for rtol = ${spec.rtol}` };
    } else if (s.accepted + s.rejected >= (spec.maxSteps ?? Infinity)) {
      run.recordNow();
      this.status = {
        ok: false,
        state: "aborted",
        message:
          `maxSteps = ${spec.maxSteps} integrator steps used up at t = ${run.time()}` +
          (s.switches > 0 ? ` (${s.switches} ℓ∞ switching-surface crossings: the flow is probably sliding; see docs/FLOWS.md)` : ""),
      };
    }
    return taken;
  }

  /** Integrator counters of a flow run (undefined for discrete runs). */
  flowStats(): ReturnType<FlowEngineRun["flowStats"]> | undefined {
    return this.flowRun?.flowStats();
  }

  /** Marks the run as stopped early (its Result keeps the points recorded so far plus the current state). */
  abort(reason = "aborted"): void {
    if (this.done) return;
    this.run.recordNow();
    this.status = { ok: false, state: "aborted", message: reason };
    this.release();
  }

  /** Record rows written since the last call (each `stride` long; see REC). */
  takeNewRows(): Float64Array {
    const w = this.run.recordsWritten();
    const block = this.run.readRecords(this.rowsRead, w);
    this.rowsRead = w;
    if (block.length) this.rows.push(block);
    return block;
  }

  get pointsRecorded(): number {
    return this.run.recordsWritten();
  }

  get stride(): number {
    return this.run.stride;
  }

  /** The current parameters as L arrays of d numbers. */
  currentW(): number[][] {
    const flat = this.run.readW();
    const { d } = this.data;
    return Array.from({ length: this.spec.depth }, (_, l) => Array.from(flat.subarray(l * d, (l + 1) * d)));
  }

  /** ∇_w L at the current parameters, as L arrays of d numbers (computed by the run's engine). */
  currentGradient(): number[][] {
    const flat = this.run.gradient();
    const { d } = this.data;
    return Array.from({ length: this.spec.depth }, (_, l) => Array.from(flat.subarray(l * d, (l + 1) * d)));
  }

  /** Current β, loss and margin computed from the current parameters (cheap for small n·d). */
  snapshot(): { step: number; t: number; beta: number[]; loss: number; minMargin: number } {
    const net = new DiagonalNet(this.data.x, this.data.y, this.data.n, this.data.d, this.spec.depth, this.loss);
    const w = this.run.readW();
    const G = new Float64Array(w.length);
    net.gradient(w, G);
    let minZ = Infinity;
    for (const z of net.z) minZ = Math.min(minZ, z);
    if (this.loss === "squared") minZ = NaN; // residuals, not margins
    return { step: this.run.stepCount(), t: this.run.time(), beta: Array.from(net.beta), loss: net.lossFromMargins(), minMargin: minZ };
  }

  /** Whether {@link state} can be taken now: a running discrete run. */
  get checkpointable(): boolean {
    return !this.flowRun && !this.done && this.run.clock !== undefined;
  }

  /**
   * The exact state between two chunks, for a checkpoint: restoring it with {@link restoreState}
   * continues the run bit for bit. Called once per checkpoint; costs a copy of w and the rows.
   */
  state(): SimulationState {
    if (this.flowRun) throw new Error('samlab: flows ("mode": "flow") cannot be checkpointed: their adaptive integrator state is not exported; run them to the end');
    if (this.done || !this.run.clock) throw new Error(`samlab: only a running discrete run can be checkpointed (this one is ${this.status.state})`);
    const unread = this.run.readRecords(this.rowsRead, this.run.recordsWritten());
    const total = this.rows.reduce((s, r) => s + r.length, 0) + unread.length;
    const rows = new Float64Array(total);
    let off = 0;
    for (const r of [...this.rows, unread]) {
      rows.set(r, off);
      off += r.length;
    }
    const dataHash = this.data.info?.contentHash;
    return {
      ...(dataHash !== undefined ? { dataHash } : {}),
      spec: this.spec,
      engine: this.run.engine,
      clock: this.run.clock(),
      t: this.run.time(),
      hyper: { algo: this.algo, loss: this.loss, lr: this.lr, rho: this.rho },
      w: this.run.readW(),
      rows,
      stride: this.run.stride,
      computeMs: this.computeMs,
      stepsDone: this.stepsDone,
      ...(this.lookBack && this.lookBack.step > 0 ? { lookBack: { ...this.lookBack, beta: this.lookBack.beta.slice() } } : {}),
    };
  }

  /**
   * Continues from a state taken by {@link state} on a run of the same spec (a fresh Simulation,
   * before any `advance`). Throws when the state does not fit this run.
   */
  restoreState(s: SimulationState): void {
    if (this.flowRun || !this.run.restoreExact) throw new CheckpointError("spec.mode", 'flows ("mode": "flow") cannot be resumed from a checkpoint');
    if (this.run.stepCount() !== 0) throw new Error("samlab: restoreState needs a fresh run (no steps taken)");
    // a checkpoint that does not fit this run is bad input (CheckpointError: one line, naming the part), never an internal error
    if (JSON.stringify(s.spec) !== JSON.stringify(this.spec)) throw new CheckpointError("spec", "differs from this run's spec");
    const have = this.data.info?.contentHash;
    if (s.dataHash !== undefined && s.dataHash !== have) {
      throw new CheckpointError("data", `the data (${this.data.info?.origin ?? "inline"}) changed since the checkpoint was written: its content hash is ${have ?? "absent"}, the checkpoint's ${s.dataHash}; refusing to resume on other data`);
    }
    if (s.w.length !== this.spec.depth * this.data.d) throw new CheckpointError("w", `holds ${s.w.length} parameters, expected ${this.spec.depth * this.data.d} (depth × the data's dimension)`);
    if (s.stride !== this.run.stride || s.rows.length % s.stride !== 0) throw new CheckpointError("records", "the record rows do not match this run's layout");
    if (!(Number.isInteger(s.clock.step) && s.clock.step >= 0 && s.clock.step <= this.spec.steps)) throw new CheckpointError("step", `${s.clock.step} is outside [0, ${this.spec.steps}]`);
    const h = s.hyper;
    if (h.algo !== this.algo || h.loss !== this.loss || h.lr !== this.lr || h.rho !== this.rho) this.setHyper(h);
    this.run.restoreExact(s.w, s.clock);
    this.chunkEnd = undefined;
    const count = s.rows.length / s.stride;
    if (this.run.recordsWritten() !== count) {
      throw new CheckpointError("records.count", `${count} recorded points, but step ${s.clock.step} comes after ${this.run.recordsWritten()} points of the schedule`);
    }
    this.rows.length = 0;
    if (s.rows.length) this.rows.push(Float64Array.from(s.rows));
    this.rowsRead = count;
    this.computeMs = s.computeMs;
    this.stepsDone = s.stepsDone;
    if (s.lookBack) this.lookBack = { ...s.lookBack, beta: s.lookBack.beta.slice() };
    // the checkpoint's hyper-parameters already carry a switch at or before its step
    if (this.spec.switch && s.clock.step >= this.spec.switch.step) this.switched = true;
    if (s.clock.step >= this.spec.steps) this.status = { ok: true, state: "finished" };
  }

  /** Exports the checkpointable state: parameters, clock and hyper-parameters. */
  checkpoint(): { w: number[]; step: number; t: number } {
    return { w: Array.from(this.run.readW()), step: this.run.stepCount(), t: this.run.time() };
  }

  /** The Result so far (complete once `done`). */
  result(): Result {
    this.takeNewRows();
    const total = this.rows.reduce((s, r) => s + r.length, 0);
    const flat = new Float64Array(total);
    let off = 0;
    for (const r of this.rows) {
      flat.set(r, off);
      off += r.length;
    }
    return buildResult({
      spec: this.spec,
      engine: this.run.engine,
      data: this.data,
      magnitudes: featureMagnitudes(this.data),
      rows: flat,
      stride: this.run.stride,
      recordBeta: this.recordBeta,
      w: this.currentW(),
      status: this.status.state === "running" ? { ok: true, state: "running" } : this.status,
      step: this.run.stepCount(),
      t: this.run.time(),
      computeMs: this.computeMs,
      stepsDone: this.stepsDone,
      algo: this.algo,
      ...(this.flowRun ? { flow: this.flowRun.flowStats() } : {}),
      initialBeta: this.initialBeta.slice(),
      // a discrete run that stopped before ⌊steps/2⌋ looks back at its final state; flows at their records (result.ts)
      ...(this.flowRun ? {} : { lookBack: this.lookBack ? { ...this.lookBack, beta: this.lookBack.beta.slice() } : { step: this.run.stepCount(), t: this.run.time(), beta: betaOfW(this.run.readW(), this.spec.depth, this.data.d) } }),
    });
  }
}

/**
 * precision.x = "f32": every x_ij rounded to f32 once, here, for both engines (so they still agree
 * bit for bit); all arithmetic stays f64. The WebAssembly engine then keeps its hot-loop copy in f32.
 */
function roundXToF32(ds: Dataset): Dataset {
  return { ...ds, x: Float64Array.from(ds.x, Math.fround) };
}

/**
 * The engine's memory, checked before anything is allocated: depth·d (six L×d buffers) within the
 * spec caps also for data files (whose d is known only once loaded), and the record buffer — points ×
 * (7 + d when β is recorded) doubles — within LIMITS.maxCells, so that a run always fits the 4 GiB of
 * a WebAssembly memory (2·n·d + 6·L·d + the records ≤ 4.5·10⁸ doubles).
 */
function checkMemory(spec: Spec, d: number, points: number, beta: boolean): void {
  if (d > LIMITS.maxD) throw new SpecError("data", `the data has d = ${d} features, more than the ${LIMITS.maxD} allowed`);
  if (spec.depth * d > LIMITS.maxCells) throw new SpecError("depth", `expected depth·d ≤ ${LIMITS.maxCells}, got ${spec.depth} × ${d} = ${spec.depth * d}`);
  const cells = (points + 1) * (REC.FIXED + (beta ? d : 0));
  if (cells > LIMITS.maxCells) {
    throw new SpecError("record.points", `expected (points + 1) × (${REC.FIXED}${beta ? ` + d = ${d}` : ""}) ≤ ${LIMITS.maxCells} recorded numbers, got ${cells}: record fewer points${beta ? " or set record.beta false" : ""}`);
  }
}

/** Validates a spec (or takes a parsed one) and prepares its engine. */
export async function createSimulation(spec: unknown, opts: { threads?: number } = {}): Promise<Simulation> {
  const parsed = parseSpec(spec);
  const threads = parsed.engine === "wasm" && parsed.mode !== "flow" ? (opts.threads ?? 1) : 1;
  if (parsed.engine === "wasm") await loadWasm({ threads: threads > 1 });
  // data files and named sources load asynchronously (and run the separability LP) before the engine starts
  const data = isLoadedData(parsed.data) ? await loadDataset(parsed.data, parsed.seed, { depth: parsed.depth }) : undefined;
  return new Simulation(parsed, { threads, ...(data ? { data } : {}) });
}

