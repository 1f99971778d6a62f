/**
 * The WebAssembly engine: binds one @samlab/core-wasm instance per run (compiled once per realm).
 * Views into linear memory are re-derived after every call that may allocate (only `setup`).
 */
import { ALGO, LOSS, LR_SCHEDULE, RHO_SCHEDULE, compileCore, instantiateCore, type CoreExports } from "@samlab/core-wasm";
import { compileCoreThreaded, instantiateCoreThreaded, loadHelperSupport, sharedMemory, startHelper, type Helper } from "@samlab/core-wasm/threads";
import type { Algo, EngineClock, EngineInit, EngineRun, Loss } from "./types.js";
import type { CurvatureValues } from "./curvature.js";

let module: WebAssembly.Module | undefined;
let mtModule: WebAssembly.Module | undefined;

/**
 * Compiles the core once; `new WasmRun` needs this to have resolved. With `threads: true` also the
 * threaded core (and, in Node, worker_threads) for runs with `threads > 1`.
 */
export async function loadWasm(opts: { threads?: boolean } = {}): Promise<void> {
  module ??= await compileCore();
  if (opts.threads && !mtModule) {
    mtModule = await compileCoreThreaded();
    await loadHelperSupport();
  }
}

export function wasmReady(): boolean {
  return module !== undefined;
}

/** The compiled core module (for other engines of this package); requires `loadWasm()` first. */
export function compiledCore(): WebAssembly.Module {
  if (!module) throw new Error("samlab: call `await loadWasm()` before creating a WebAssembly run");
  return module;
}

/**
 * A Float64Array view of linear memory (re-derived per access: memory growth detaches views).
 * Pointers are wasm32 addresses, unsigned, but the exports hand them to JS as signed i32: an address
 * past 2 GiB (a run with depth·d ≳ 4.5·10⁷) arrives negative, so it is read back as unsigned here.
 */
export function f64(core: CoreExports, ptr: number, len: number): Float64Array {
  return new Float64Array(core.memory.buffer, ptr >>> 0, len);
}

/**
 * Allocates a run in a fresh core instance and writes its data, initialization and record schedule
 * (shared by the discrete and the flow engines). Called once per run.
 */
export function loadRun(core: CoreExports, init: EngineInit, xF32 = false): void {
  const LD = init.depth * init.d;
  const capacity = init.schedule.length + 1; // one spare row for an early-stop record
  core.setup(init.n, init.d, init.depth, capacity, init.recordBeta ? 1 : 0);
  f64(core, core.ptr_x(), init.n * init.d).set(init.x);
  f64(core, core.ptr_y(), init.n).set(init.y);
  f64(core, core.ptr_w(), LD).set(init.w0);
  f64(core, core.ptr_schedule(), init.schedule.length).set(init.schedule);
  // x already rounded to f32 by the caller (spec precision.x): keep the hot loop's copy in f32
  if (xF32) core.set_x_f32(1);
  core.prepare();
  core.set_schedule_len(init.schedule.length);
  core.configure(ALGO[init.algo], LOSS[init.loss], init.lr, init.rho);
  if (init.sharpness) core.set_sharpness();
}

/** What every core-backed engine reads the same way: records, parameters, the gradient. */
export abstract class CoreRunBase {
  readonly engine = "wasm" as const;
  abstract readonly stride: number;
  protected abstract readonly core: CoreExports;
  protected abstract readonly LD: number;

  recordsWritten(): number {
    return this.core.records_written();
  }
  readRecords(from: number, to: number): Float64Array {
    const core = this.core;
    return f64(core, (core.ptr_records() >>> 0) + from * this.stride * 8, (to - from) * this.stride).slice();
  }
  readW(): Float64Array {
    return f64(this.core, this.core.ptr_w(), this.LD).slice();
  }
  gradient(): Float64Array {
    this.core.eval_gradient();
    return f64(this.core, this.core.ptr_grad(), this.LD).slice();
  }
  /** λ_max, λ_min (with residuals) and tr H at the current parameters (allocates the Lanczos buffers on first use). */
  curvature(): CurvatureValues {
    const core = this.core;
    core.set_sharpness();
    const o = f64(core, core.sharpness_now(), 6);
    return { lambdaMax: o[0]!, lambdaMaxRes: o[1]!, lambdaMin: o[2]!, lambdaMinRes: o[3]!, traceH: o[4]!, products: o[5]! };
  }
}

export class WasmRun extends CoreRunBase implements EngineRun {
  readonly stride: number;
  protected readonly core: CoreExports;
  protected readonly LD: number;
  private helper: Helper | undefined;
  private readonly threaded: boolean;

  /**
   * `threads > 1` (discrete runs): the threaded core on a shared memory, with a helper thread taking
   * half of the row blocks of every gradient's data pass — bit-identical results; worth it from
   * n > 128 on, most for large n·d (≳ 10⁵).
   * `xF32`: the data (already rounded to f32 by the caller) is stored as f32 in the hot loop.
   */
  constructor(init: EngineInit, opts: { threads?: number; xF32?: boolean } = {}) {
    super();
    if (!module) throw new Error("samlab: call `await loadWasm()` before creating a WebAssembly run");
    const threaded = (opts.threads ?? 1) > 1;
    this.threaded = threaded;
    if (threaded && !mtModule) throw new Error("samlab: call `await loadWasm({ threads: true })` before creating a threaded run");
    const memory = threaded ? sharedMemory() : undefined;
    const core = threaded ? instantiateCoreThreaded(mtModule!, memory!) : instantiateCore(module);
    this.core = core;
    this.LD = init.depth * init.d;
    loadRun(core, init, opts.xF32);
    if (init.lrSchedule && init.lrSchedule !== "constant") core.set_lr_schedule(LR_SCHEDULE[init.lrSchedule]);
    if (init.group !== undefined && init.group < init.n) core.set_group(init.group);
    core.set_family(init.batch ?? 0, init.batchSeed ?? 0, init.xi ?? 0.01, init.ascentSteps ?? 1);
    if (init.forcePlain) core.set_plain_forced(1);
    if (init.perExampleOneSam) core.set_one_sam_per_example(1);
    if (init.fusedLinfOneSam) core.set_one_sam_linf_fused(1);
    if (init.rhoSchedule && init.rhoSchedule !== "constant") core.set_rho_schedule(RHO_SCHEDULE[init.rhoSchedule], init.rhoSteps ?? 0);
    this.stride = core.record_stride();
    if (threaded) this.helper = startHelper(core as ReturnType<typeof instantiateCoreThreaded>, mtModule!, memory!, (core as ReturnType<typeof instantiateCoreThreaded>).mt_enable());
  }

  /**
   * Resolves when the helper thread (threads > 1) has started serving; at once otherwise. Runs never
   * need to wait for it (the run's own thread works alone until then); benchmarks of the steady
   * state do.
   */
  ready(): Promise<void> {
    return this.helper?.ready ?? Promise.resolve();
  }

  /**
   * Which code the next step runs: the fast full-batch kernels, the general plain step of the SAM
   * family, or its closed form for 1-SAM at depth 2 (core-wasm `onesam.ts`). For tests and benchmarks.
   */
  stepPath(): "fast" | "plain" | "one-sam-depth-2" {
    const p = this.core.step_path();
    return p === 0 ? "fast" : p === 1 ? "plain" : "one-sam-depth-2";
  }

  /**
   * Steps of ℓ∞-SAM's 1-SAM at depth 2 that left the closed form for the fused per-example form
   * because a product r·u·w underflows (core-wasm onesam.ts `linfExact`): tests and benchmarks.
   */
  linfFallbacks(): number {
    return this.core.one_sam_linf_fallbacks();
  }

  /**
   * Row blocks the helper thread has computed so far (0 on one thread, or while the helper has not
   * started): results are the same bits either way, so this count is how tests see the helper work.
   */
  helperChunks(): number {
    return this.threaded ? (this.core as ReturnType<typeof instantiateCoreThreaded>).mt_helper_chunks() : 0;
  }

  /** Ends the helper thread, if any (the run stays usable on one thread). */
  dispose(): void {
    this.helper?.stop();
    this.helper = undefined;
  }

  configure(algo: Algo, loss: Loss, lr: number, rho: number): void {
    this.core.configure(ALGO[algo], LOSS[loss], lr, rho);
  }
  run(until: number): boolean {
    return this.core.run(until) === 0;
  }
  recordNow(): void {
    this.core.record_now();
  }
  restore(w: Float64Array, step: number, t: number): void {
    f64(this.core, this.core.ptr_w(), this.LD).set(w);
    this.core.set_clock(step, t);
  }
  clock(): EngineClock {
    const c = this.core;
    return { step: c.step_count(), stepBase: c.clock_step_base(), tBase: c.clock_t_base(), tAcc: c.clock_t_acc() };
  }
  restoreExact(w: Float64Array, clock: EngineClock): void {
    f64(this.core, this.core.ptr_w(), this.LD).set(w);
    this.core.set_clock_exact(clock.step, clock.stepBase, clock.tBase, clock.tAcc);
  }
  stepCount(): number {
    return this.core.step_count();
  }
  time(): number {
    return this.core.time_now();
  }
  nonfiniteStep(): number {
    return this.core.nonfinite_step();
  }
}
