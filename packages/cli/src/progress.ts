/**
 * A progress bar on stderr, shown only when stderr is a terminal (cli-progress prints nothing
 * otherwise, so pipes, CI logs and --json consumers stay clean).
 */
import cliProgress from "cli-progress";

export class ProgressBar {
  private bar: cliProgress.SingleBar | undefined;

  constructor(enabled: boolean) {
    if (enabled) {
      this.bar = new cliProgress.SingleBar(
        { format: "  {bar} {percentage}% | step {value}/{total} | eta {eta_formatted}", hideCursor: true, clearOnComplete: true, stopOnComplete: false },
        cliProgress.Presets.shades_classic,
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
