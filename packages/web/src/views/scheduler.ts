/**
 * The redraw discipline (uPlot's): setters only mark keys dirty; one animation frame draws at most
 * one view, each view at most every 100 ms while playing (1 s with reduced motion), and only views
 * on screen while playing. Creating a chart is the most expensive draw (~10–50 ms), so the first
 * frames create the charts one per frame before any run advances.
 *
 * Called once per animation frame while something plays or is dirty; `kick()` schedules the frame.
 */

/** What the scheduler needs from the element. */
export interface SchedulerHost {
  connected(): boolean;
  playing(): boolean;
  /** Called at the start of each playing frame (asks the worker for the next chunks). */
  advance(): void;
  /** True while a chunk asked for has not come back. */
  outstanding(): boolean;
  /** Draws the view with redraw key `key`. */
  draw(key: string): void;
  /** Called after drawing on a playing frame (the throttled status line). */
  afterPlayingFrame(): void;
}

/** Keys that stand for several views: the main run's views, the comparison view. */
const GROUPS: Record<string, string[]> = {
  main: ["shares", "loss", "margins", "cosine", "dominant", "image", "table"],
  compare: ["cmp"],
};

export class Scheduler {
  private readonly dirty = new Set<string>();
  private readonly lastDrawn = new Map<string, number>();
  private raf = 0;
  /** Views whose charts are still to be created, one per frame, before any run advances. */
  private warmup: string[] = [];
  /** Views currently on screen (IntersectionObserver); off-screen views are redrawn when they scroll in. */
  private readonly visible = new Set<string>();
  private observer?: IntersectionObserver;
  private readonly reducedMotion = typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;

  constructor(private readonly host: SchedulerHost) {}

  /** Marks a redraw key (a view's key, or "main" / "compare") dirty. Draws nothing by itself. */
  mark(key: string): void {
    this.dirty.add(key);
  }

  /**
   * Starts over with a new set of figures: `keys` are warmed up in this order, and visibility is
   * tracked per figure (`keyOf` maps a figure to its key).
   */
  track(keys: string[], figures: HTMLElement[], keyOf: (f: HTMLElement) => string): void {
    this.warmup = [...keys];
    this.observer?.disconnect();
    this.visible.clear();
    if (typeof IntersectionObserver === "function") {
      this.observer = new IntersectionObserver((entries) => {
        for (const e of entries) {
          const id = keyOf(e.target as HTMLElement);
          if (e.isIntersecting) this.visible.add(id);
          else this.visible.delete(id);
        }
        this.kick();
      });
      for (const f of figures) this.observer.observe(f);
    } else for (const v of this.warmup) this.visible.add(v);
  }

  /** Schedules the next animation frame if none is scheduled. */
  kick(): void {
    if (this.raf || !this.host.connected()) return;
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.frame();
    });
  }

  stop(): void {
    cancelAnimationFrame(this.raf);
    this.raf = 0;
    this.observer?.disconnect();
  }

  private frame(): void {
    const first = this.warmup.shift();
    if (first !== undefined) {
      this.host.draw(first);
      this.kick();
      return;
    }
    const playing = this.host.playing();
    if (playing) this.host.advance();
    this.draw();
    const pending = [...this.dirty].some((v) => v === "main" || v === "compare" || !this.host.playing() || this.visible.has(v));
    if (this.host.playing() || pending || this.host.outstanding()) this.kick();
  }

  /** Redraws one dirty view: each at most every 100 ms (1 s with reduced motion) while playing. */
  private draw(): void {
    const t0 = performance.now();
    const playing = this.host.playing();
    const minGap = playing ? (this.reducedMotion ? 1000 : 100) : 0;
    for (const [group, keys] of Object.entries(GROUPS)) {
      if (!this.dirty.has(group)) continue;
      for (const k of keys) this.dirty.add(k);
      this.dirty.delete(group);
    }
    // One view per frame: a chart.js update costs ~5–30 ms here, so this keeps every task short.
    for (const v of [...this.dirty]) {
      // While playing, only on-screen views are redrawn; the rest catch up when scrolled into
      // view, or once the run stops (still one view per frame).
      if (playing && !this.visible.has(v)) continue;
      if (t0 - (this.lastDrawn.get(v) ?? -1e9) < minGap) continue;
      this.dirty.delete(v);
      this.lastDrawn.set(v, t0);
      this.host.draw(v);
      break;
    }
    if (playing) this.host.afterPlayingFrame();
  }
}
