/**
 * A progress bar on stderr, shown only when stderr is a terminal (cli-progress prints nothing
 * otherwise, so pipes, CI logs and --json consumers stay clean) and TERM is not "dumb". samlab never
 * prints colour; with NO_COLOR set (https://no-color.org) the bar is also plain ASCII ("=" and "-").
 */
import cliProgress from "cli-progress";

export class ProgressBar {
  private bar: cliProgress.SingleBar | undefined;

  constructor(enabled: boolean) {
    if (enabled && process.env.TERM !== "dumb") {
      this.bar = new cliProgress.SingleBar(
        { format: "  {bar} {percentage}% | step {value}/{total} | eta {eta_formatted}", hideCursor: true, clearOnComplete: true, stopOnComplete: false },
        noColor() ? cliProgress.Presets.legacy : cliProgress.Presets.shades_classic,
      );
    }
  }

  update(value: number, total: number): void {
    if (!this.bar) return;
    if (!this.started) {
      this.bar.start(total, 0);
      this.started = true;
    }
    this.bar.update(value);
  }

  private started = false;

  stop(): void {
    if (this.bar && this.started) this.bar.stop();
    this.bar = undefined;
  }
}

/** NO_COLOR (any non-empty value) asks for output without colour or decoration. */
export function noColor(): boolean {
  return (process.env.NO_COLOR ?? "") !== "";
}
