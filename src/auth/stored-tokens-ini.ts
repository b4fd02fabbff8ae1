/**
 * The `stored_tokens` file format: what Python's `configparser.ConfigParser(interpolation=None)`
 * reads and writes (huggingface_hub `utils/_auth.py::_read_stored_tokens_full` /
 * `_save_stored_tokens_full`). Byte-compatible output: sections sorted by name in code-point order,
 * `key = value` lines, a blank line after each section; an empty set is a 0-byte file.
 */

/** Section name -> its fields, in file order (keys lower-cased, values stripped, as configparser). */
export type StoredTokenSections = Map<string, Map<string, string>>;

/** A file configparser would refuse (duplicate section or key, a key before any section, junk). */
export class IniParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IniParseError";
  }
}

const SECTION = /^\[(.+)\]/;
// configparser's OPTCRE: `(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$`
const OPTION = /^(.*?)\s*([=:])\s*(.*)$/;

/**
 * Parses configparser INI text. Comments (`#`, `;` full lines) and blank lines are skipped, indented
 * lines continue the previous value (joined with "\n"), `[DEFAULT]` keys apply to every section.
 *
 * @example parseStoredTokens("[my-token]\nhf_token = hf_abc\n\n").get("my-token")?.get("hf_token") // "hf_abc"
 */
export function parseStoredTokens(text: string): StoredTokenSections {
  const sections: StoredTokenSections = new Map();
  const defaults = new Map<string, string>();
  let current: Map<string, string> | undefined;
  let currentName: string | undefined;
  let lastKey: string | undefined;
  let lastIndent = 0;
  const lines = text.split(/\r\n|\n|\r/);
  lines.forEach((line, i) => {
    const stripped = line.trim();
    if (stripped === "" || stripped.startsWith("#") || stripped.startsWith(";")) {
      // A blank line ends a multi-line value for our purposes (tokens are single-line).
      if (stripped === "") lastKey = undefined;
      return;
    }
    const indent = line.length - line.trimStart().length;
    if (current && lastKey !== undefined && indent > lastIndent) {
      current.set(lastKey, `${current.get(lastKey)}\n${stripped}`);
      return;
    }
    const header = SECTION.exec(stripped);
    if (header) {
      const name = header[1] as string;
      if (name === "DEFAULT") {
        current = defaults;
      } else {
        if (sections.has(name)) throw new IniParseError(`section '${name}' already exists (line ${i + 1})`);
        current = new Map();
        sections.set(name, current);
      }
      currentName = name;
      lastKey = undefined;
      return;
    }
    if (!current) throw new IniParseError(`file contains no section headers (line ${i + 1})`);
    const opt = OPTION.exec(stripped);
    if (!opt || (opt[1] as string).trim() === "") {
      throw new IniParseError(`cannot parse line ${i + 1}`);
    }
    const key = (opt[1] as string).trimEnd().toLowerCase();
    if (current.has(key)) {
      throw new IniParseError(`option '${key}' in section '${currentName}' already exists (line ${i + 1})`);
    }
    current.set(key, (opt[3] as string).trim());
    lastKey = key;
    lastIndent = indent;
  });
  if (defaults.size > 0) {
    for (const fields of sections.values()) {
      for (const [k, v] of defaults) if (!fields.has(k)) fields.set(k, v);
    }
  }
  return sections;
}

/** Python's `sorted()` on str: code-point order (JS's default sort compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = (x.value.codePointAt(0) as number) - (y.value.codePointAt(0) as number);
    if (d !== 0) return d;
  }
}

/**
 * Writes sections as `configparser.write` does after `_save_stored_tokens_full` sorted them:
 * `[name]\n`, `key = value\n` per field (a newline inside a value continues on a tab-indented
 * line), then a blank line. No sections: the empty string.
 *
 * @example serializeStoredTokens(new Map([["b", new Map([["hf_token", "x"]])]])) // "[b]\nhf_token = x\n\n"
 */
export function serializeStoredTokens(sections: StoredTokenSections): string {
  let out = "";
  for (const name of [...sections.keys()].sort(compareCodePoints)) {
    out += `[${name}]\n`;
    for (const [key, value] of sections.get(name) as Map<string, string>) {
      out += `${key} = ${value.replace(/\n/g, "\n\t")}\n`;
    }
    out += "\n";
  }
  return out;
}
