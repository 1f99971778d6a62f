/**
 * The WebAssembly flow engine: one @samlab/core-wasm instance per run, driven through
 * `flow_configure` / `flow_run` (assembly/flow.ts). Views into linear memory are re-derived on
 * every access (`flow_configure` allocates the integrator's buffers).
 */
import { ALGO, FLOW, FLOW_RUN, LOSS, TIME_SCALE, instantiateCore, type CoreExports } from "@samlab/core-wasm";
import type { Algo, FlowEngineRun, FlowInit, FlowRunStatus, FlowStats, Loss } from "./types.js";
import { compiledCore } from "./wasm.js";

function f64(core: CoreExports, ptr: number, len: number): Float64Array {
  return new Float64Array(core.memory.buffer, ptr, len);
}

const STATUS: Record<number, FlowRunStatus> = {
  [FLOW_RUN.reached]: "reached",
  [FLOW_RUN.nonfinite]: "nonfinite",
  [FLOW_RUN.budget]: "budget",
  [FLOW_RUN.stepUnderflow]: "stepUnderflow",
};

export class WasmFlowRun implements FlowEngineRun {
  readonly engine = "wasm" as const;
  readonly stride: number;
  private readonly core: CoreExports;
  private readonly LD: number;
  private readonly init: FlowInit;

  constructor(init: FlowInit) {
    const core = instantiateCore(compiledCore());
    this.core = core;
    this.init = init;
    this.LD = init.depth * init.d;
    core.setup(init.n, init.d, init.depth, init.schedule.length + 1, init.recordBeta ? 1 : 0);
    f64(core, core.ptr_x(), init.n * init.d).set(init.x);
    f64(core, core.ptr_y(), init.n).set(init.y);
    f64(core, core.ptr_w(), this.LD).set(init.w0);
    f64(core, core.ptr_schedule(), init.schedule.length).set(init.schedule);
    core.prepare();
    core.set_schedule_len(init.schedule.length);
    core.configure(ALGO[init.algo], LOSS[init.loss], init.lr, init.rho);
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
  recordsWritten(): number {
    return this.core.records_written();
  }
  readRecords(from: number, to: number): Float64Array {
    const core = this.core;
    return f64(core, core.ptr_records() + from * this.stride * 8, (to - from) * this.stride).slice();
  }
  readW(): Float64Array {
    return f64(this.core, this.core.ptr_w(), this.LD).slice();
  }
  gradient(): Float64Array {
    this.core.eval_gradient();
    return f64(this.core, this.core.ptr_grad(), this.LD).slice();
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
