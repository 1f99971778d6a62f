/**
 * The page side of the worker: creates the module Worker, waits for its `ready` message (messages
 * posted earlier can be lost in Chromium while the worker's module is still evaluating), queues
 * until then, and dispatches replies. One client per `<samlab-explorer>`.
 */
import type { FromWorker, ToWorker } from "./protocol.js";
import { inlinedHighsWasm } from "./highs-inline.js";
import { createWorker } from "./worker-factory.js";

export class WorkerClient {
  private readonly worker: Worker;
  private ready = false;
  private readonly pending: ToWorker[] = [];
  onmessage: (m: FromWorker) => void = () => {};
  onfailure: (message: string) => void = () => {};

  constructor() {
    this.worker = createWorker();
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => {
      if (e.data.type === "ready") {
        this.ready = true;
        for (const m of this.pending.splice(0)) this.worker.postMessage(m);
        return;
      }
      if (e.data.type === "need-solver") {
        void inlinedHighsWasm()
          .catch(() => undefined)
          .then((wasm) => this.worker.postMessage({ type: "solver-bytes", wasm } satisfies ToWorker, wasm ? [wasm] : []));
        return;
      }
      this.onmessage(e.data);
    };
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.onfailure(`the simulation worker failed: ${e.message || "unknown error"}`);
    };
  }

  send(m: ToWorker): void {
    if (this.ready) this.worker.postMessage(m);
    else this.pending.push(m);
  }

  terminate(): void {
    this.worker.terminate();
  }
}
