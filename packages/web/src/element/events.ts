/**
 * The element's events (docs/WEB.md): samlab-start, samlab-progress, samlab-finish and
 * samlab-error go out through `emit`, bubbling and composed, so a host page hears them from
 * outside the shadow root. (The non-bubbling `error` of a rejected `spec` attribute is sent in
 * errors.ts.)
 */
export function emit(el: HTMLElement, type: string, detail: unknown): void {
  el.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}
