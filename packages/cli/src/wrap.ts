/**
 * Text for a terminal of a given width: words wrapped at spaces (a word longer than the line is cut,
 * never lost). Widths count code points, which is what a terminal shows for the Latin, Greek and
 * math symbols samlab prints.
 */

/** The terminal's width: stdout's columns on a terminal, else $COLUMNS, else 80; at least 40. */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number {
  const fromEnv = Number(process.env.COLUMNS);
  const w = stream.isTTY && stream.columns ? stream.columns : Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 80;
  return Math.max(40, w);
}

const len = (s: string) => [...s].length;

/**
 * `text` as lines of at most `width` code points: the first starts with `first`, the others with
 * `rest` (both count towards the width).
 */
export function wrap(text: string, width: number, first = "", rest = first): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (!empty && len(line) + 1 + len(word) <= width) {
      line += " " + word;
      continue;
    }
    if (!empty) {
      lines.push(line);
      line = rest;
    }
    let chars = [...word];
    // a word longer than a whole line: cut it over as many lines as it takes
    while (len(line) + chars.length > width && width - len(line) > 0) {
      const room = width - len(line);
      lines.push(line + chars.slice(0, room).join(""));
      chars = chars.slice(room);
      line = rest;
    }
    line += chars.join("");
    empty = chars.length === 0;
  }
  if (!empty || lines.length === 0) lines.push(line);
  return lines;
}
