/** The one error type of the data loaders: what is wrong, in which file, and where. */

export interface DataErrorWhere {
  /** 1-based line (text formats). */
  line?: number;
  /** 0-based byte offset in the (decompressed, unless stated) stream (binary formats). */
  offset?: number;
  /** 1-based column / field (CSV). */
  column?: number;
}

/**
 * Malformed or unusable data: `file` names the input (a path, URL or the name a caller gave),
 * `line` / `offset` say where. The message is one line: `FILE: line N: reason` or `FILE: byte N: reason`.
 */
export class DataError extends Error {
  readonly line?: number;
  readonly offset?: number;
  readonly column?: number;
  constructor(
    readonly file: string,
    readonly reason: string,
    where: DataErrorWhere = {},
  ) {
    const at = where.line !== undefined ? `line ${where.line}${where.column !== undefined ? `, field ${where.column}` : ""}: ` : where.offset !== undefined ? `byte ${where.offset}: ` : "";
    super(`${file}: ${at}${reason}`);
    this.name = "DataError";
    this.line = where.line;
    this.offset = where.offset;
    this.column = where.column;
  }
}
