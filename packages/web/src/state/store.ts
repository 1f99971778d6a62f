/**
 * The explorer's state: one spec (the same JSON the API and the CLI read), the run state, and the
 * phase-diagram job. Setters publish on the store's bus; the controls, the status line, the URL and
 * the views subscribe (see element/explorer.ts for the wiring). No DOM.
 */
import type { Result, Spec } from "@samlab/sim";
import { Bus } from "./bus.js";
import type { PhaseGrid, PhaseSetup } from "./phase-grid.js";

export type RunState = "loading" | "ready" | "playing" | "paused" | "finished" | "error";

/** The phase-diagram job: the grid of the current spec's cells (state/phase-grid.ts), computed once per cell template. */
export interface PhaseJob {
  job: number;
  grid: PhaseGrid;
  /** What the cells run and what the theory predicts for them. */
  setup: PhaseSetup;
  /** `phaseClass` of each cell (column-major in α₁: index j·size + i), undefined until computed. */
  cells: (number | undefined)[];
  done: boolean;
}

export interface StoreTopics {
  /** A new spec: "start" when a run (re)starts with it, "hyper" when η/ρ change mid-run. */
  spec: [spec: Spec, how: "start" | "hyper"];
  state: [state: RunState];
}

export class ExplorerStore {
  readonly bus = new Bus<StoreTopics>();
  private specValue?: Spec;
  private stateValue: RunState = "loading";
  /** The preset the current spec came from (undefined once edited). */
  presetId?: string;
  /** The main run's finished Result. */
  result?: Result;
  /** "η = …, ρ = … from step …" for each mid-run change since the last start. */
  hyperNotes: string[] = [];
  phase?: PhaseJob;
  /** The spec whose phase diagram is to be computed once the main run stops. */
  phaseWanted?: Spec;
  /** Keyboard cursor in the phase diagram (column i = α₁, row j = α₂), shown while the canvas has focus. */
  phaseCursor = { i: 0, j: 0, on: false };

  get spec(): Spec | undefined {
    return this.specValue;
  }
  get state(): RunState {
    return this.stateValue;
  }

  setSpec(spec: Spec, how: "start" | "hyper"): void {
    this.specValue = spec;
    this.bus.emit("spec", spec, how);
  }
  /** Forgets the spec without telling anyone (the element left the page). */
  dropSpec(): void {
    this.specValue = undefined;
  }
  setState(s: RunState): void {
    this.stateValue = s;
    this.bus.emit("state", s);
  }

  /** Flows ("mode": "flow") are drawn against t; discrete runs against the step count. */
  isFlow(): boolean {
    return (this.specValue as { mode?: string } | undefined)?.mode === "flow";
  }
}
