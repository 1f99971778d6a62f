/**
 * The element's share and export buttons: the link and the `samlab run` command (shown under the
 * buttons too, and rewritten whenever the spec changes, so it is never stale), the charts as PNG,
 * the Result as CSV/JSON and each layer's weights as CSV/JSON. Reads the element through `ShareHost`.
 */
import type { Result, Spec } from "@samlab/sim";
import type { RunView } from "../state/runs.js";
import { cliCommand } from "../state/spec-state.js";
import { chartsPng, copyText, download, fileBase, resultBlob, weightsBlob } from "./export.js";

export interface ShareHost {
  shadow(): ShadowRoot;
  spec(): Spec | undefined;
  presetId(): string | undefined;
  shareUrl(): string;
  currentResult(): Promise<Result | undefined>;
  main(): RunView | undefined;
  /** The visible charts' canvases and the title for the PNG. */
  canvases(): HTMLCanvasElement[];
  title(): string;
  /** Where copied text is shown (the clipboard may be unavailable). */
  shareOut(): HTMLOutputElement | undefined;
  announce(text: string): void;
}

export class ShareExport {
  /** What the share box shows (it follows the spec). */
  private shown?: "link" | "command";

  constructor(private readonly host: ShareHost) {}

  private text(what: "link" | "command"): string {
    if (what === "link") return this.host.shareUrl();
    const spec = this.host.spec();
    return spec ? cliCommand(spec) : "";
  }

  /** The spec changed: a link or command on show is rewritten for it. */
  specChanged(): void {
    const out = this.host.shareOut();
    if (this.shown && out?.textContent) out.textContent = this.text(this.shown);
  }

  async copy(what: "link" | "command"): Promise<void> {
    this.shown = what;
    this.host.announce(await copyText(what === "link" ? "link" : "samlab run command", this.text(what), this.host.shareOut()));
  }

  private fileBase(): string {
    return fileBase(this.host.spec(), this.host.presetId());
  }

  /** All visible charts on one white PNG, two per row, titled with the spec's name. */
  async png(): Promise<void> {
    const blob = await chartsPng(this.host.canvases(), this.host.title());
    if (blob === undefined) return this.host.announce("No chart to export.");
    if (blob) this.host.announce(download(this.host.shadow(), blob, `${this.fileBase()}.png`));
  }

  async data(kind: "csv" | "json"): Promise<void> {
    const r = await this.host.currentResult();
    if (!r) return this.host.announce("Nothing to export yet.");
    this.host.announce(download(this.host.shadow(), resultBlob(r, kind), `${this.fileBase()}.${kind}`));
  }

  weights(kind: "csv" | "json"): void {
    const main = this.host.main();
    const now = main?.snapshot?.w;
    if (!main || !now) return this.host.announce("Nothing to export yet.");
    this.host.announce(download(this.host.shadow(), weightsBlob(main.w0, now, main.snapshot!.step, kind), `${this.fileBase()}-weights.${kind}`));
  }
}
