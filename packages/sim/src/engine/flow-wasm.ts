/**
 * The WebAssembly flow engine: one @samlab/core-wasm instance per run, driven through
 * `flow_configure` / `flow_run` (assembly/flow.ts). Views into linear memory are re-derived on
 * every access (`flow_configure` allocates the integrator's buffers).
 */
import { ALGO, FLOW, FLOW_RUN, LOSS, TIME_SCALE, instantiateCore, type CoreExports } from "@samlab/core-wasm";
import type { Algo, FlowEngineRun, FlowInit, FlowRunStatus, FlowStats, Loss } from "./types.js";
import { CoreRunBase, compiledCore, f64, loadRun } from "./wasm.js";

const STATUS: Record<number, FlowRunStatus> = {
  [FLOW_RUN.reached]: "reached",
  [FLOW_RUN.nonfinite]: "nonfinite",
  [FLOW_RUN.budget]: "budget",
  [FLOW_RUN.stepUnderflow]: "stepUnderflow",
};

export class WasmFlowRun extends CoreRunBase implements FlowEngineRun {
  readonly stride: number;
  protected readonly core: CoreExports;
  protected readonly LD: number;
  private readonly init: FlowInit;

  constructor(init: FlowInit) {
    super();
    const core = instantiateCore(compiledCore());
    this.core = core;
    this.init = init;
    this.LD = init.depth * init.d;
    loadRun(core, init);
    core.flow_configure(FLOW[init.flow], TIME_SCALE[init.timeScale], init.tLogFrom, init.rtol, init.atol);
    this.stride = core.record_stride();
  }

  configure(algo: Algo, loss: Loss, lr: number, rho: number): void {
    const i = this.init;
    this.core.configure(ALGO[algo], LOSS[loss], lr, rho);
    this.core.flow_configure(FLOW[i.flow], TIME_SCALE[i.timeScale], i.tLogFrom, i.rtol, i.atol);
  }
  runFlow(untilT: number, maxSteps: number): FlowRunStatus {
    return STATUS[this.core.flow_run(untilT, maxSteps)]!;
  }
  run(untilT: number): boolean {
    return this.runFlow(untilT, Infinity) !== "nonfinite";
  }
  flowStats(): FlowStats {
    const c = this.core;
    return { accepted: c.flow_steps(), rejected: c.flow_rejected(), evaluations: c.flow_evaluations(), switches: c.flow_switches(), stepSize: c.flow_step_size() };
  }
  recordNow(): void {
    this.core.flow_record_now();
  }
  restore(w: Float64Array, step: number, t: number): void {
    f64(this.core, this.core.ptr_w(), this.LD).set(w);
    this.core.flow_restore(t, step);
  }
  stepCount(): number {
    return this.core.flow_steps();
  }
  time(): number {
    return this.core.flow_time();
  }
  nonfiniteStep(): number {
    return this.core.flow_nonfinite_time();
  }
}
