import { constants } from "node:fs";
import { access, open, realpath, stat } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { execBounded } from "../common/exec.js";
import type { Env } from "../config/index.js";
import { type CheckResult, type DoctorContext, ok, warn } from "./types.js";

/** What an `hf` executable on PATH turned out to be. */
export type HfKind = "hubkit" | "python" | "other";

export interface HfOnPath {
  path: string;
  kind: HfKind;
  version?: string | undefined;
}

/** Every executable named `name` in PATH order (like `which -a`), duplicates removed. */
export async function findOnPath(name: string, env: Env): Promise<string[]> {
  const found: string[] = [];
  const seen = new Set<string>();
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    try {
      const st = await stat(candidate);
      if (!st.isFile()) continue;
      await access(candidate, constants.X_OK);
    } catch {
      continue;
    }
    const real = await realpath(candidate).catch(() => candidate);
    if (seen.has(real)) continue;
    seen.add(real);
    found.push(candidate);
  }
  return found;
}

/**
 * Tells hubkit's `hf` from Python's by the first bytes of the file: Python's pip launcher starts
 * with a python shebang and imports `huggingface_hub.cli`; hubkit's is a node script (its bundle,
 * or npm's symlink to it). When the head says neither, `<path> --version` (bounded) decides:
 * hubkit prints `hubkit X.Y.Z`, Python's hf a bare version.
 *
 * @example await identifyHf("/usr/local/bin/hf", env) // { path, kind: "hubkit", version: "0.1.0" }
 */
export async function identifyHf(path: string, env: Env, timeoutMs = 3_000): Promise<HfOnPath> {
  let head = "";
  try {
    const fh = await open(path, "r");
    try {
      const buf = Buffer.alloc(2048);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead).toString("latin1");
    } finally {
      await fh.close();
    }
  } catch {}
  if (/huggingface_hub/.test(head) || /^#!.*python/.test(head)) return { path, kind: "python" };
  if (/hubkit/i.test(head)) return { path, kind: "hubkit" };
  const r = await execBounded(path, ["--version"], { env, timeoutMs });
  const out = r.stdout.trim();
  const m = /^hubkit (\S+)/.exec(out);
  if (m) return { path, kind: "hubkit", version: m[1] };
  if (/^\d+\.\d+\.\d+\S*$/.test(out) && /^#!.*python/.test(head))
    return { path, kind: "python", version: out };
  return { path, kind: /^#!.*node/.test(head) ? "hubkit" : "other", version: out || undefined };
}

const label = (h: HfOnPath) =>
  h.kind === "hubkit" ? "hubkit" : h.kind === "python" ? "Python's huggingface_hub hf" : "an unknown hf";

/**
 * Which `hf` runs when the user types `hf`: the first on PATH. Warns when it is not hubkit (Python's
 * hf shadows hubkit) or when hubkit shadows Python's (scripts that expect Python's flags break).
 *
 * @example await checkHfOnPath({ config, env: process.env, cwd })
 */
export async function checkHfOnPath(ctx: DoctorContext): Promise<CheckResult> {
  const paths = await findOnPath("hf", ctx.env);
  if (paths.length === 0) {
    return warn("path.hf", "no 'hf' on PATH", "npm install -g hubkit  (or run it as: npx hubkit ...)", {
      data: { found: [] },
    });
  }
  const all = await Promise.all(paths.map((p) => identifyHf(p, ctx.env, ctx.timeoutMs ?? 3_000)));
  const [first, ...others] = all as [HfOnPath, ...HfOnPath[]];
  const data = { found: all };
  // With one hf there is nothing to add; with several, list them in PATH order.
  const details =
    all.length > 1 ? all.map((h, i) => `${i === 0 ? "runs " : "then "}${h.path} (${label(h)})`) : undefined;
  if (first.kind === "hubkit") {
    const shadowed = others.find((h) => h.kind === "python");
    if (shadowed) {
      return warn(
        "path.hf",
        `'hf' is hubkit (${first.path}); it shadows Python's hf at ${shadowed.path}`,
        `call Python's CLI by its path (${shadowed.path}) or as 'python -m huggingface_hub.cli.hf'; hubkit is also installed as 'hubkit'`,
        { details, data },
      );
    }
    return { ...ok("path.hf", `'hf' is hubkit (${first.path})`, data), details };
  }
  const hubkit = others.find((h) => h.kind === "hubkit");
  const dir = first.path.slice(0, first.path.lastIndexOf("/"));
  return warn(
    "path.hf",
    `'hf' runs ${label(first)} (${first.path})${hubkit ? `, which shadows hubkit at ${hubkit.path}` : ", not hubkit"}`,
    hubkit
      ? `export PATH="${hubkit.path.slice(0, hubkit.path.lastIndexOf("/"))}:$PATH"  (or run hubkit as 'hubkit'; Python's hf comes from ${dir})`
      : "npm install -g hubkit  (then put its bin folder first on PATH)",
    { details, data },
  );
}
