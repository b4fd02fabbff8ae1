import { redactTokens } from "../common/mask-token.js";
import type { Output } from "./output.js";

/**
 * The one writer of command results on stdout. A command builds its data and names a `View`: how
 * that data reads in each format; the exporter writes the form `--format` asked for. Commands never
 * branch on the format themselves (gh's `cmdutil.Exporter`, pkg/cmdutil/json_flags.go, and
 * huggingface_hub's `cli/_output.py::Output`, whose `result`/`text` this keeps).
 *
 * Modes: `human` (the default, also `--format auto|table`), `json` (`--json`), `quiet` (`-q`), and two
 * that fall back to the human form unless a view has its own: `agent` (Python's agent mode) and
 * `csv` (`hf cache ls`). Notes, warnings and hints go to stderr through `Output`, not here.
 */
export type ExportMode = "human" | "json" | "quiet" | "agent" | "csv";

/** Lines for stdout: a string is written as one block, an array line by line (empty: nothing). */
export type Lines = string | readonly string[] | undefined;

/** What the human form may use: colour (off without a TTY or with NO_COLOR) and the terminal. */
export interface HumanStyle {
  paint(color: "red" | "green" | "yellow" | "gray" | "bold", text: string): string;
  /** Whether stdout is a terminal (a bare value for pipes, a labelled one for people). */
  stdoutIsTTY: boolean;
  /** Terminal width: $COLUMNS, the TTY's, else 80 (Python's `shutil.get_terminal_size()`). */
  width(): number;
  /** A `Hint:` on stderr about what was just rendered (a truncated table: Python's `Output.table`). */
  hint(text: string): void;
}

/** How one kind of result reads in each format. A missing entry prints nothing in that format. */
export interface View<T> {
  json?(data: T): unknown;
  quiet?(data: T): Lines;
  human?(data: T, style: HumanStyle): Lines;
  /** Python's agent mode; default: `human`. */
  agent?(data: T, style: HumanStyle): Lines;
  /** CSV; default: `human`. */
  csv?(data: T, style: HumanStyle): Lines;
  /**
   * Written exactly, not through `redactTokens`: only for values a script consumes verbatim and
   * that cannot hold a token by construction (a downloaded file's path, the demo Hub's fake tokens).
   */
  raw?: boolean;
}

/**
 * The mode of the global flags: `--format` (with its extra values) folded into five.
 *
 * @example resolveExportMode("human", "csv") // "csv"; resolveExportMode("quiet", undefined) // "quiet"
 */
export function resolveExportMode(
  format: "human" | "json" | "quiet",
  formatHint: string | undefined,
): ExportMode {
  if (format !== "human") return format;
  return formatHint === "agent" || formatHint === "csv" ? formatHint : "human";
}

export class Exporter {
  readonly mode: ExportMode;
  readonly #out: Output;
  readonly #style: HumanStyle;

  constructor(out: Output, mode: ExportMode, columns: string | undefined) {
    this.#out = out;
    this.mode = mode;
    const stdout = out.stdout as { isTTY?: boolean; columns?: number };
    this.#style = {
      paint: (color, text) => out.paint(color, text),
      stdoutIsTTY: Boolean(stdout.isTTY),
      width: () => {
        const c = Number.parseInt(columns ?? "", 10);
        if (c > 0) return c;
        return stdout.columns && stdout.columns > 0 ? stdout.columns : 80;
      },
      hint: (text) => out.hint(text),
    };
  }

  /**
   * A warning for people reading the human form (a count with the flag that shows details); json
   * and quiet runs stay free of it, where Output.warn would show it in json mode too.
   */
  warnHuman(text: string): void {
    if (this.mode !== "json" && this.mode !== "quiet") this.#out.warn(text);
  }

  /**
   * Writes `data` as `view` renders it in this mode.
   *
   * @example ctx.exporter.write(whoamiView, await run(ctx)); // human lines, one JSON line, or the name
   */
  write<T>(view: View<T>, data: T): void {
    const esc = view.raw ? (s: string) => s : redactTokens;
    if (this.mode === "json") {
      const value = view.json?.(data);
      if (value !== undefined) this.#out.stdout.write(`${esc(JSON.stringify(value))}\n`);
      return;
    }
    const human = view.human?.bind(view);
    const render =
      this.mode === "quiet"
        ? view.quiet?.bind(view)
        : this.mode === "agent"
          ? (view.agent?.bind(view) ?? human)
          : this.mode === "csv"
            ? (view.csv?.bind(view) ?? human)
            : human;
    const lines = render?.(data, this.#style);
    for (const block of typeof lines === "string" ? [lines] : (lines ?? [])) {
      this.#out.stdout.write(esc(block.endsWith("\n") ? block : `${block}\n`));
    }
  }
}

/** Python's `str()` of a value: booleans as `True`/`False`. */
function pyStr(v: string | number | boolean): string {
  return typeof v === "boolean" ? (v ? "True" : "False") : String(v);
}

/**
 * Python's `out.result(message, **fields)`: human `✓ message` then `  key: value` lines; quiet the
 * first field's value; agent `key=value ...`; json the given object (bytes as numbers).
 *
 * @example exporter.write(resultView, { message: "Deleted 1 file(s)", fields: { freed: "1.2K" }, json: { freed: 1250 } })
 */
export const resultView: View<{
  message: string;
  fields: Record<string, string | number | boolean>;
  json: Record<string, unknown>;
}> = {
  json: (r) => r.json,
  quiet: (r) => {
    const first = Object.values(r.fields)[0];
    return first === undefined ? undefined : pyStr(first);
  },
  agent: (r) =>
    Object.entries(r.fields)
      .map(([k, v]) => `${k}=${pyStr(v)}`)
      .join(" "),
  human: (r, style) =>
    [
      style.paint("green", `✓ ${r.message}`),
      ...Object.entries(r.fields).map(([k, v]) => `  ${k}: ${pyStr(v)}`),
    ].join("\n"),
};

/** Python's `out.text(...)`: free text in the human (and agent) form only. */
export const textView: View<Lines> = { human: (lines) => lines };

/** The same line for people and scripts (human and quiet), nothing in json: Python's bare `print`. */
export const plainView: View<string> = { human: (line) => line, quiet: (line) => line };
