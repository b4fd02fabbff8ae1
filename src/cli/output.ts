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
 * Everything the CLI prints goes through here. Results go to stdout, messages to stderr; in json
 * mode stdout carries only JSON (one value or one event per line); quiet mode keeps stdout's bare
 * result and drops notes. Every message is passed through `redactTokens` as a last line of defence.
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

  /** A result line on stdout (human and quiet modes). Not redacted: `hf auth token` uses it. */
  result(text: string): void {
    if (this.format === "json") return;
    this.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  /** A JSON value on stdout (json mode only), one line. */
  json(value: unknown): void {
    if (this.format !== "json") return;
    this.stdout.write(`${redactTokens(JSON.stringify(value))}\n`);
  }

  /** Human-only stdout text (tables, labels); nothing in json and quiet modes. */
  human(text: string): void {
    if (this.format !== "human") return;
    this.stdout.write(redactTokens(text.endsWith("\n") ? text : `${text}\n`));
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
