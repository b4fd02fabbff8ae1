import type { Writable } from "node:stream";
import { redactTokens } from "../common/mask-token.js";

/** Output modes of the global `--format` flag (`--json` = json, `-q` = quiet). */
export type OutputFormat = "human" | "json" | "quiet";

export interface OutputOptions {
  format: OutputFormat;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  /** False when NO_COLOR is set or stderr/stdout is not a TTY. */
  color: boolean;
}

const ANSI = { red: 31, green: 32, yellow: 33, gray: 90, bold: 1 } as const;

/**
 * The CLI's streams. Messages (notes, warnings, errors, hints) go to stderr from here; results go to
 * stdout through the Exporter (exporter.ts), which picks the form `--format` asks for. Quiet mode
 * drops notes, warnings and hints. Every message is passed through `redactTokens` as a last line of
 * defence.
 */
export class Output {
  readonly format: OutputFormat;
  readonly stdout: OutputOptions["stdout"];
  readonly stderr: OutputOptions["stderr"];
  readonly color: boolean;

  constructor(options: OutputOptions) {
    this.format = options.format;
    this.stdout = options.stdout;
    this.stderr = options.stderr;
    this.color = options.color;
  }

  paint(color: keyof typeof ANSI, text: string): string {
    return this.color ? `\x1b[${ANSI[color]}m${text}\x1b[0m` : text;
  }

  /** A progress or status note on stderr; dropped in quiet mode. */
  info(text: string): void {
    if (this.format === "quiet") return;
    this.stderr.write(`${redactTokens(text)}\n`);
  }

  /** A warning on stderr; always shown except in quiet mode. */
  warn(text: string): void {
    if (this.format === "quiet") return;
    this.stderr.write(`${this.paint("yellow", "Warning:")} ${redactTokens(text)}\n`);
  }

  /** `Error: ...` on stderr, always shown. */
  error(text: string): void {
    this.stderr.write(`${this.paint("red", "Error:")} ${redactTokens(text)}\n`);
  }

  /** A HF_DEBUG line on stderr, shown in every mode (the user asked for it). */
  debug(text: string): void {
    this.stderr.write(`${this.paint("gray", `[debug] ${redactTokens(text)}`)}\n`);
  }

  /** `Hint: ...` on stderr (the remedy), dropped in quiet mode. */
  hint(text: string): void {
    if (this.format === "quiet") return;
    this.stderr.write(`${this.paint("gray", `Hint: ${redactTokens(text)}`)}\n`);
  }
}
