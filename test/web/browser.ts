/**
 * Launches Debian's chromium through playwright-core (docs/TOOLCHAIN.md: plain `launch()` with the
 * listed flags; Playwright makes its own temporary profile).
 */
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = process.env.SAMLAB_CHROMIUM ?? "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}
