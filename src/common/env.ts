/** An environment: `process.env` in the CLI, any plain object in tests and library calls. */
export type Env = Readonly<Record<string, string | undefined>>;

const TRUE_VALUES = new Set(["1", "ON", "YES", "TRUE"]);

/**
 * Python's `constants._is_true`: `value.upper() in {"1","ON","YES","TRUE"}`; unset is false. Neutral:
 * the client's settings and the local Hub's query flags both use it.
 *
 * @example isTrue("yes") // true
 */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && TRUE_VALUES.has(value.toUpperCase());
}
