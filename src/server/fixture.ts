/**
 * Reading and checking `hub.json`. Every problem names the file and the field (`repos[0].commits[1]
 * .files["a.txt"]`), so a hand-written fixture is quick to fix.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isRepoType } from "../common/repo.js";
import { HfConfigError } from "../errors.js";
import type { FileSpec, HubFixture } from "./types.js";

type Json = unknown;

class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function fail(field: string, message: string): never {
  throw new FieldError(field, message);
}

function str(v: Json, field: string, optional = false): void {
  if (v === undefined && optional) return;
  if (typeof v !== "string" || v === "") fail(field, "expected a non-empty string");
}

function strArray(v: Json, field: string): void {
  if (v === undefined) return;
  if (!Array.isArray(v)) fail(field, "expected an array of strings");
  v.forEach((s, i) => {
    str(s, `${field}[${i}]`);
  });
}

function bool(v: Json, field: string): void {
  if (v !== undefined && typeof v !== "boolean") fail(field, "expected true or false");
}

function refMap(v: Json, field: string, commitCount: number): void {
  if (v === undefined) return;
  if (!isObject(v)) fail(field, "expected an object mapping names to commit indexes");
  for (const [name, idx] of Object.entries(v)) {
    const f = `${field}[${JSON.stringify(name)}]`;
    if (typeof idx !== "number" || !Number.isInteger(idx)) fail(f, "expected an integer commit index");
    const real = idx < 0 ? commitCount + idx : idx;
    if (real < 0 || real >= commitCount)
      fail(f, `commit index ${idx} is out of range (the repo has ${commitCount} commits)`);
  }
}

const SAFE_PATH = /^(?!\/)(?!.*\/\/)(?!.*\/$)[^\0\\]+$/;

/** A repo file path: relative, no `.`/`..` segments, no backslash or NUL. */
export function isSafeRepoPath(path: string): boolean {
  return SAFE_PATH.test(path) && path.split("/").every((s) => s !== "." && s !== "..");
}

function fileSpec(v: Json, field: string): void {
  if (v === null) return;
  if (!isObject(v)) fail(field, "expected an object ({content}, {base64}, {generate} or {file}) or null");
  const sources = ["content", "base64", "generate", "file"].filter((k) => v[k] !== undefined);
  if (sources.length !== 1) fail(field, "expected exactly one of content, base64, generate or file");
  const spec = v as FileSpec;
  if (v.content !== undefined && typeof v.content !== "string") fail(`${field}.content`, "expected a string");
  if (v.base64 !== undefined && (typeof v.base64 !== "string" || !/^[A-Za-z0-9+/=\s]*$/.test(v.base64)))
    fail(`${field}.base64`, "expected a base64 string");
  if (v.generate !== undefined) {
    const g = v.generate;
    if (!isObject(g)) fail(`${field}.generate`, "expected {size, seed}");
    if (typeof g.size !== "number" || !Number.isSafeInteger(g.size) || g.size < 0)
      fail(`${field}.generate.size`, "expected a non-negative integer");
    if (typeof g.seed !== "string") fail(`${field}.generate.seed`, "expected a string");
  }
  if (spec.file !== undefined) {
    str(spec.file, `${field}.file`);
    if (spec.file.startsWith("/") || spec.file.split(/[\\/]/).includes(".."))
      fail(`${field}.file`, "must be a path inside the data dir (no leading / and no ..)");
  }
  bool(v.lfs, `${field}.lfs`);
}

/**
 * Checks a fixture object and returns it typed; throws HfConfigError naming `source` and the field.
 *
 * @example validateFixture(JSON.parse(text), "/data/hub.json")
 */
export function validateFixture(value: Json, source: string): HubFixture {
  try {
    check(value);
    return value as HubFixture;
  } catch (e) {
    if (e instanceof FieldError)
      throw new HfConfigError(`${source}: ${e.field}: ${e.message}`, {
        remedy: `fix ${e.field} in ${source} (see README "Local Hub server" for the format)`,
      });
    throw e;
  }
}

function check(v: Json): void {
  if (!isObject(v)) fail("(top level)", "expected an object with users, orgs and repos");
  if (v.users !== undefined && !Array.isArray(v.users)) fail("users", "expected an array");
  if (v.orgs !== undefined && !Array.isArray(v.orgs)) fail("orgs", "expected an array");
  if (v.repos !== undefined && !Array.isArray(v.repos)) fail("repos", "expected an array");
  if (v.trustedPublishers !== undefined && !Array.isArray(v.trustedPublishers))
    fail("trustedPublishers", "expected an array");
  if (v.oidcRunners !== undefined && !Array.isArray(v.oidcRunners)) fail("oidcRunners", "expected an array");
  const tokens = new Set<string>();
  const names = new Set<string>();
  ((v.users ?? []) as Json[]).forEach((u, i) => {
    const f = `users[${i}]`;
    if (!isObject(u)) fail(f, "expected an object");
    str(u.name, `${f}.name`);
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(u.name as string)) fail(`${f}.name`, "not a valid user name");
    if (names.has(u.name as string)) fail(`${f}.name`, `duplicate name '${u.name}'`);
    names.add(u.name as string);
    str(u.fullname, `${f}.fullname`, true);
    str(u.email, `${f}.email`, true);
    strArray(u.orgs, `${f}.orgs`);
    if (u.tokens !== undefined && !Array.isArray(u.tokens)) fail(`${f}.tokens`, "expected an array");
    ((u.tokens ?? []) as Json[]).forEach((t, j) => {
      const tf = `${f}.tokens[${j}]`;
      if (!isObject(t)) fail(tf, "expected an object");
      str(t.name, `${tf}.name`);
      str(t.token, `${tf}.token`);
      if (tokens.has(t.token as string)) fail(`${tf}.token`, "the same token is listed twice");
      tokens.add(t.token as string);
      if (t.role !== "read" && t.role !== "write" && t.role !== "fineGrained")
        fail(`${tf}.role`, 'expected "read", "write" or "fineGrained"');
      strArray(t.scopes, `${tf}.scopes`);
    });
  });
  ((v.orgs ?? []) as Json[]).forEach((o, i) => {
    const f = `orgs[${i}]`;
    if (!isObject(o)) fail(f, "expected an object");
    str(o.name, `${f}.name`);
    if (names.has(o.name as string)) fail(`${f}.name`, `'${o.name}' is already a user or org name`);
    names.add(o.name as string);
    str(o.fullname, `${f}.fullname`, true);
    strArray(o.members, `${f}.members`);
  });
  const users = new Set(((v.users ?? []) as Record<string, Json>[]).map((u) => u.name as string));
  const known = (list: Json, field: string) => {
    ((list ?? []) as string[]).forEach((name, j) => {
      if (!users.has(name)) fail(`${field}[${j}]`, `'${name}' is not one of the users`);
    });
  };
  ((v.orgs ?? []) as Record<string, Json>[]).forEach((o, i) => {
    known(o.members, `orgs[${i}].members`);
  });
  const ids = new Set<string>();
  ((v.repos ?? []) as Json[]).forEach((r, i) => {
    const f = `repos[${i}]`;
    if (!isObject(r)) fail(f, "expected an object");
    checkRepo(r, f);
    known(r.grants, `${f}.grants`);
    known(r.pending, `${f}.pending`);
    const key = `${r.type ?? "model"}:${r.id}`;
    if (ids.has(key)) fail(`${f}.id`, `duplicate repo '${r.id}'`);
    ids.add(key);
  });
  checkOidc(v, users, ids);
}

/** A non-empty object of string claims. */
function claimMap(v: Json, field: string): void {
  if (!isObject(v) || Object.keys(v).length === 0)
    fail(field, 'expected an object of claims, e.g. {"repository": "acme/x"}');
  for (const [k, c] of Object.entries(v)) str(c, `${field}[${JSON.stringify(k)}]`);
}

/** trustedPublishers (a resource that exists, claims, a user to act as) and oidcRunners. */
function checkOidc(v: Record<string, Json>, users: Set<string>, repoKeys: Set<string>): void {
  const orgOwned = (owner: string) => !users.has(owner);
  ((v.trustedPublishers ?? []) as Json[]).forEach((p, i) => {
    const f = `trustedPublishers[${i}]`;
    if (!isObject(p)) fail(f, "expected an object {resource, claims}");
    str(p.resource, `${f}.resource`);
    claimMap(p.claims, `${f}.claims`);
    bool(p.readOnly, `${f}.readOnly`);
    str(p.user, `${f}.user`, true);
    if (p.user !== undefined && !users.has(p.user as string))
      fail(`${f}.user`, `'${p.user}' is not one of the users`);
    const parts = (p.resource as string).split("/");
    const prefix = { datasets: "dataset", spaces: "space" }[parts[0] as string];
    if (parts.length === 1) {
      if (!users.has(parts[0] as string)) fail(`${f}.resource`, `'${p.resource}' is not one of the users`);
      return;
    }
    const key =
      parts.length === 2
        ? `model:${p.resource}`
        : parts.length === 3 && prefix
          ? `${prefix}:${parts.slice(1).join("/")}`
          : "";
    if (!repoKeys.has(key))
      fail(
        `${f}.resource`,
        `'${p.resource}' is not a repo of the fixture (namespace/name, datasets/..., spaces/...) or a user`,
      );
    if (p.user === undefined && orgOwned(parts.at(-2) as string))
      fail(`${f}.user`, "a publisher of a repo owned by an org needs the user its token acts as");
  });
  const requestTokens = new Set<string>();
  ((v.oidcRunners ?? []) as Json[]).forEach((r, i) => {
    const f = `oidcRunners[${i}]`;
    if (!isObject(r)) fail(f, "expected an object {requestToken, claims}");
    str(r.requestToken, `${f}.requestToken`);
    if (requestTokens.has(r.requestToken as string))
      fail(`${f}.requestToken`, "the same request token is listed twice");
    requestTokens.add(r.requestToken as string);
    claimMap(r.claims, `${f}.claims`);
  });
}

/** Checks one repo spec (fixture entry or `hub.addRepo` argument). */
export function checkRepo(r: Record<string, Json>, f: string): void {
  str(r.id, `${f}.id`);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)?$/.test(r.id as string))
    fail(`${f}.id`, `'${r.id}' is not a repo id (name or namespace/name)`);
  if (r.type !== undefined && (typeof r.type !== "string" || !isRepoType(r.type)))
    fail(`${f}.type`, 'expected "model", "dataset" or "space"');
  bool(r.private, `${f}.private`);
  if (r.gated !== undefined && r.gated !== false && r.gated !== "auto" && r.gated !== "manual")
    fail(`${f}.gated`, 'expected false, "auto" or "manual"');
  str(r.owner, `${f}.owner`, true);
  strArray(r.grants, `${f}.grants`);
  strArray(r.pending, `${f}.pending`);
  if (r.commits !== undefined && !Array.isArray(r.commits)) fail(`${f}.commits`, "expected an array");
  const commits = (r.commits ?? []) as Json[];
  commits.forEach((c, j) => {
    const cf = `${f}.commits[${j}]`;
    if (!isObject(c)) fail(cf, "expected an object {message, files}");
    str(c.message, `${cf}.message`, true);
    if (c.files !== undefined && !isObject(c.files)) fail(`${cf}.files`, "expected an object");
    for (const [path, spec] of Object.entries((c.files ?? {}) as Record<string, Json>)) {
      const ff = `${cf}.files[${JSON.stringify(path)}]`;
      if (!isSafeRepoPath(path)) fail(ff, "not a safe relative path");
      fileSpec(spec, ff);
    }
  });
  const count = Math.max(commits.length, 1);
  refMap(r.branches, `${f}.branches`, count);
  refMap(r.tags, `${f}.tags`, count);
  refMap(r.pullRequests, `${f}.pullRequests`, count);
}

/** Checks a repo spec given to `hub.addRepo`; throws HfConfigError naming the field. */
export function validateRepoSpec(value: Json, source: string): void {
  try {
    if (!isObject(value)) fail("(repo)", "expected an object");
    checkRepo(value, "repo");
  } catch (e) {
    if (e instanceof FieldError) throw new HfConfigError(`${source}: ${e.field}: ${e.message}`);
    throw e;
  }
}

/** Reads and checks `DIR/hub.json`. */
export function loadFixtureFile(dataDir: string): HubFixture {
  const file = join(dataDir, "hub.json");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new HfConfigError(`Cannot read ${file}: ${(e as Error).message}`, {
      cause: e,
      remedy: "create hub.json in the --data folder, or use --demo",
    });
  }
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new HfConfigError(`${file}: (top level): not valid JSON (${(e as Error).message})`, {
      cause: e,
      remedy: `fix the JSON syntax of ${file}`,
    });
  }
  return validateFixture(json, file);
}
