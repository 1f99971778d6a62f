/**
 * The explorer's keys: Space plays or pauses, → steps, R resets. Listened to on the element's root,
 * and on the whole document with `keyboard="global"`. Keys typed into form fields, and Space on
 * buttons and links, keep their usual meaning.
 */
export interface KeyActions {
  playing(): boolean;
  play(): void;
  pause(): void;
  step(): void;
  reset(): void;
}

export function onExplorerKey(e: KeyboardEvent, a: KeyActions): void {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
  const target = e.composedPath()[0] as HTMLElement | undefined;
  const tag = target?.tagName;
  if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || target?.isContentEditable) return;
  if (e.key === " " && (tag === "BUTTON" || tag === "A" || tag === "SUMMARY")) return;
  if (e.key === " " || e.key === "Spacebar") {
    e.preventDefault();
    if (a.playing()) a.pause();
    else a.play();
  } else if (e.key === "ArrowRight") {
    e.preventDefault();
    a.step();
  } else if (e.key === "r" || e.key === "R") {
    e.preventDefault();
    a.reset();
  }
}
