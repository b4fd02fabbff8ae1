/**
 * The CLI's one table renderer: Python's `tabulate` (utils/_terminal.py), which both `hf auth list`
 * and `Output.table` (cli/_output.py: `hf cache ls`, `hf download --dry-run`) print through.
 */

export interface TableOptions {
  /**
   * `Output.table`'s human form: SCREAMING_SNAKE headers and every cell on one line. Otherwise
   * headers and cells are printed as given (`hf auth list`).
   */
  human?: boolean | undefined;
  /** Headers (as given) of the columns aligned right (Python: `alignments={"size": "right"}`). */
  right?: readonly string[] | undefined;
  /**
   * Fit the table into this many terminal columns first (`_truncate_columns`): the widest column
   * loses a character at a time, never below its header or 4, and cut cells end in "...".
   * Undefined: never truncate.
   */
  width?: number | undefined;
}

export interface RenderedTable {
  text: string;
  /** Whether a cell was cut (Python then hints `--no-truncate`). */
  truncated: boolean;
}

/** `_truncate_columns`, in place; whether anything was cut. */
function truncateToWidth(headers: readonly string[], cells: string[][], width: number): boolean {
  if (cells.length === 0) return false;
  const natural = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] as string).length)));
  // One space between columns.
  const budget = width - Math.max(0, headers.length - 1);
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  if (sum(natural) <= budget) return false;
  const caps = [...natural];
  const floors = headers.map((h) => Math.max(h.length, 4));
  while (sum(caps) > budget) {
    let widest = -1;
    for (let i = 0; i < caps.length; i++) {
      if (
        (caps[i] as number) > (floors[i] as number) &&
        (widest < 0 || (caps[i] as number) > (caps[widest] as number))
      )
        widest = i;
    }
    if (widest < 0) break; // everything at its floor: the table wraps slightly, as Python's
    caps[widest] = (caps[widest] as number) - 1;
  }
  let truncated = false;
  for (const row of cells) {
    row.forEach((c, i) => {
      const cap = caps[i] as number;
      if (c.length > cap) {
        truncated = true;
        row[i] = `${c.slice(0, cap - 3)}...`;
      }
    });
  }
  return truncated;
}

/**
 * Renders `rows` under `headers`: a header line, a dashes line, one line per row, each cell padded
 * to its column (trailing spaces kept), one space between columns.
 *
 * @example
 * renderTable(["FILE", "SIZE"], [["config.json", "1.2K"]], { right: ["SIZE"] }).text
 * // "FILE        SIZE\n----------- ----\nconfig.json 1.2K"
 * renderTable(["id", "size"], rows, { human: true, right: ["size"], width: 80 }) // hf cache ls
 */
export function renderTable(
  given: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): RenderedTable {
  const up = (h: string) => (options.human ? h.toUpperCase() : h);
  const headers = given.map(up);
  const cells = rows.map((r) => (options.human ? r.map((c) => c.replace(/\s+/g, " ").trim()) : [...r]));
  const truncated = options.width !== undefined && truncateToWidth(headers, cells, options.width);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
  const right = new Set((options.right ?? []).map(up));
  const line = (vals: readonly string[]) =>
    vals
      .map((v, i) =>
        right.has(headers[i] as string) ? v.padStart(widths[i] as number) : v.padEnd(widths[i] as number),
      )
      .join(" ");
  const text = [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
  return { text, truncated };
}
