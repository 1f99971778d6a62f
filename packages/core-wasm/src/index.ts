/**
 * @samlab/core-wasm — the WebAssembly engine's typed boundary.
 *
 * The module is embedded (base64) so that one loader serves Node, browsers, Web Workers and
 * bundlers. Compile once with {@link compileCore}, then make one instance per run with
 * {@link instantiateCore}: every run owns its memory, so many runs can be interleaved in one thread.
 *
 * Names mirror the AssemblyScript exports in `assembly/index.ts` (snake_case there, kept as is here).
 */
import { WASM_BASE64 } from "./generated/wasm-bytes.js";

/** Algorithm codes understood by `configure` (mirrors assembly/index.ts). */
export const ALGO = { gd: 0, "sam-l2": 1, "sam-linf": 2, usam: 3 } as const;
/** Loss codes understood by `configure`. */
export const LOSS = { logistic: 0, exponential: 1 } as const;

/** Column offsets inside one record row; β follows at REC.FIXED when recorded. */
export const REC = {
  STEP: 0,
  T: 1,
  LOSS: 2,
  L1: 3,
  L2: 4,
  WNORM: 5,
  MIN_MARGIN: 6,
  GRAD_NORM: 7,
  PERT_NORM: 8,
  DOMINANT: 9,
  G_NORM: 10,
  /** log L(w), computed in the log domain (finite where LOSS underflows to 0). */
  LOG_LOSS: 11,
  /** log ‖∇_w L(w)‖₂, computed in the log domain. */
  LOG_GRAD_NORM: 12,
  FIXED: 13,
} as const;

/** Step-size schedules of discrete runs, for `set_lr_schedule` (mirrors assembly/index.ts). */
export const LR_SCHEDULE = { constant: 0, "loss-normalized": 1, "inv-sqrt": 2, rescaled: 3 } as const;
/** Flow kinds for `flow_configure` (mirrors assembly/flow.ts). */
export const FLOW = { gradient: 0, sam: 1, rescaled: 2 } as const;
/** Integration variable of flows: t throughout, or s = log t from `tLogFrom` on. */
export const TIME_SCALE = { linear: 0, log: 1 } as const;
/** Return codes of `flow_run`. */
export const FLOW_RUN = { reached: 0, nonfinite: 1, budget: 2, stepUnderflow: 3 } as const;

/** The raw exports of one core instance. Pointers are byte offsets into `memory.buffer`. */
export interface CoreExports {
  readonly memory: WebAssembly.Memory;
  setup(n: number, d: number, depth: number, maxRecords: number, recordBeta: number): void;
  prepare(): void;
  configure(algo: number, loss: number, lr: number, rho: number): void;
  set_schedule_len(len: number): void;
  set_clock(step: number, t: number): void;
  /** The clock's exact state (checkpoints): see `set_clock_exact`. */
  clock_step_base(): number;
  clock_t_base(): number;
  clock_t_acc(): number;
  /** Restores step, stepBase, tBase and tAcc exactly, so a resumed run's times equal an uninterrupted run's bit for bit. */
  set_clock_exact(step: number, stepBase: number, tBase: number, tAcc: number): void;
  run(until: number): number;
  record_now(): void;
  eval_gradient(): number;
  ptr_x(): number;
  ptr_y(): number;
  ptr_w(): number;
  ptr_schedule(): number;
  ptr_records(): number;
  ptr_beta(): number;
  ptr_grad(): number;
  ptr_margins(): number;
  /** Examples per block of the gradient's sum (assembly/order.ts). */
  row_block(): number;
  set_lr_schedule(kind: number): void;
  // flows (assembly/flow.ts, docs/FLOWS.md)
  flow_configure(kind: number, timeScale: number, tLogFrom: number, rtol: number, atol: number): void;
  /** Integrates until t = untilT or maxSteps attempted steps; returns a FLOW_RUN code. */
  flow_run(untilT: number, maxSteps: number): number;
  flow_restore(t: number, steps: number): void;
  flow_record_now(): void;
  flow_time(): number;
  flow_steps(): number;
  flow_rejected(): number;
  flow_evaluations(): number;
  flow_switches(): number;
  flow_step_size(): number;
  flow_nonfinite_time(): number;
  record_stride(): number;
  records_written(): number;
  step_count(): number;
  time_now(): number;
  nonfinite_step(): number;
  /** 0: the plain model.ts step (tests compare the fast kernels against it); 1: the fast kernels (default). */
  set_fast_kernels(on: number): void;
  /** 1: keep the hot loop's copy of x as f32 (x must already be f32-rounded); before `prepare`. */
  set_x_f32(on: number): void;
}

/** The engine's bytes (release build, SIMD enabled). */
export function coreBytes(): Uint8Array {
  const bin = atob(WASM_BASE64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let compiled: Promise<WebAssembly.Module> | undefined;

/** Compiles the engine once per realm (cached). Rejects with an actionable message when WebAssembly is unavailable. */
export function compileCore(): Promise<WebAssembly.Module> {
  if (!compiled) {
    if (typeof WebAssembly === "undefined") {
      return Promise.reject(new Error("samlab: WebAssembly is not available in this environment"));
    }
    compiled = WebAssembly.compile(coreBytes() as BufferSource).catch((e: unknown) => {
      compiled = undefined;
      throw new Error(
        `samlab: could not compile the WebAssembly core (${String(e)}); it needs WebAssembly SIMD (Node >= 16.4, Chrome >= 91, Firefox >= 89, Safari >= 16.4)`,
      );
    });
  }
  return compiled;
}

/** Instantiates one engine (synchronously, from a compiled module). One instance = one run. */
export function instantiateCore(module: WebAssembly.Module): CoreExports {
  const instance = new WebAssembly.Instance(module, {
    env: {
      abort(_msg: number, _file: number, line: number, col: number) {
        throw new Error(`samlab core aborted at ${line}:${col}`);
      },
    },
  });
  return instance.exports as unknown as CoreExports;
}
