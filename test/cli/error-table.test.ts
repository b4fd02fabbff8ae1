import { promises as fsp } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromTokenFile } from "../../src/auth/providers.js";
import { unknownTokenName } from "../../src/auth/token-store.js";
import { planRemoval } from "../../src/cache/plan.js";
import { scanCache } from "../../src/cache/scan.js";
import { verifyRevision } from "../../src/cache/verify.js";
import { describeForCli, NOT_LOGGED_IN } from "../../src/cli/error-table.js";
import { EXIT, exitCodeOf } from "../../src/cli/exit-codes.js";
import { loadEnvFile } from "../../src/config/env-file.js";
import { readConfig } from "../../src/config/index.js";
import { validateRepoId } from "../../src/download/validators.js";
import {
  AbortedError,
  AuthInvalidError,
  DiskFullError,
  type HfError,
  HfUsageError,
  IntegrityError,
  LocalEntryNotFoundError,
  NotLoggedInError,
  NotWritableError,
  RepoNotFoundError,
} from "../../src/errors.js";
import { type ErrorContext, errorFromResponse } from "../../src/http/raise-for-status.js";

// The library's errors say what to do in library terms; the CLI's one table words the same errors
// with commands and flags. Each case builds the error the way the library does and checks the CLI
// still prints what it printed before the table existed (the strings the core used to carry).
const E = "https://huggingface.co";
const fromEnv: ErrorContext = {
  endpoint: E,
  tokenSent: true,
  tokenSource: { kind: "env", name: "HF_TOKEN" },
};
const fromFile: ErrorContext = {
  endpoint: E,
  tokenSent: true,
  tokenSource: { kind: "file", path: "/h/token" },
};
const anonymous: ErrorContext = { endpoint: E, tokenSent: false };
const http = (status: number, url: string, ctx: ErrorContext, headers: Record<string, string> = {}) =>
  errorFromResponse({ status, headers, url }, undefined, ctx) as HfError;
const resolveUrl = `${E}/acme/x/resolve/main/a.bin`;

/** A CLI flag (`--revision`) or an `hf` command: what a library remedy must never name. */
const CLI_WORDS = /(^|[\s(`'])--[a-z]|\bhf (auth|download|cache|env|doctor)\b/;

const seen: HfError[] = [];
function cli(e: HfError): { message: string; remedy: string | undefined } {
  seen.push(e);
  return describeForCli(e);
}

let dir: string;
beforeAll(async () => {
  dir = await fsp.mkdtemp(join(tmpdir(), "hubkit-error-table-"));
});
afterAll(async () => {
  // Every library error built above words its remedy without the CLI's flags or commands.
  for (const e of seen) expect(e.remedy ?? "", `${e.code}: ${e.message}`).not.toMatch(CLI_WORDS);
  await fsp.rm(dir, { recursive: true, force: true });
});

describe("CLI error table: auth", () => {
  it("no token found: the README's line and `hf auth login`; a server's 401 keeps its message", () => {
    expect(cli(new NotLoggedInError())).toEqual({ message: NOT_LOGGED_IN, remedy: "hf auth login" });
    const server = http(401, `${E}/api/whoami-v2`, anonymous);
    expect(cli(server)).toEqual({
      message: server.message,
      remedy: "hf auth login  (or export HF_TOKEN=...)",
    });
  });

  it("a rejected token: set the variable it came from, else log in again", () => {
    const invalid = { "x-error-message": "Invalid credentials in Authorization header" };
    expect(cli(http(401, `${E}/api/whoami-v2`, fromEnv, invalid)).remedy).toBe(
      "set HF_TOKEN to a valid token (or unset it and run: hf auth login)",
    );
    expect(cli(http(401, `${E}/api/whoami-v2`, fromFile, invalid)).remedy).toBe("hf auth login --force");
    const empty = new AuthInvalidError("The token is empty.", { data: { reason: "empty-token" } });
    expect(cli(empty).remedy).toBe("hf auth login");
    // An error with its own, neutral remedy keeps it.
    const org = new AuthInvalidError("org token", {
      remedy: `create a personal token at ${E}/settings/tokens`,
    });
    expect(cli(org).remedy).toBe(`create a personal token at ${E}/settings/tokens`);
  });

  it("403 and 429 name the login for anonymous calls", () => {
    expect(cli(http(403, `${E}/api/models/acme/x`, anonymous)).remedy).toBe("hf auth login");
    expect(cli(http(403, `${E}/api/models/acme/x`, fromFile)).remedy).toBe(
      `use a token with the needed permissions (${E}/settings/tokens): hf auth login --force`,
    );
    expect(cli(http(429, `${E}/api/models/acme/x`, anonymous, { "retry-after": "7" })).remedy).toBe(
      "wait 7 s and retry; logged-in users get higher limits: hf auth login",
    );
    expect(cli(http(429, `${E}/api/models/acme/x`, fromEnv, { "retry-after": "7" })).remedy).toBe(
      "wait 7 s and retry",
    );
  });

  it("saved tokens, the token file and --env-file", async () => {
    const config = readConfig({ HF_HOME: dir });
    expect(cli(unknownTokenName(config, "x", ["a", "b"])).remedy).toBe("hf auth list");
    expect(cli(unknownTokenName(config, "x", [])).remedy).toBe("hf auth login");
    const folder = join(dir, "token-as-folder");
    await fsp.mkdir(folder);
    const broken = await fromTokenFile(folder)().catch((e: HfError) => e);
    expect(cli(broken as HfError).remedy).toBe(`rm -r ${folder} && hf auth login`);
    let envError: HfError | undefined;
    try {
      loadEnvFile(join(dir, "nope.env"), {});
    } catch (e) {
      envError = e as HfError;
    }
    expect(cli(envError as HfError).remedy).toBe("check the path given to --env-file");
  });
});

describe("CLI error table: repos and downloads", () => {
  it("gated anonymously: log in, then request access on the repo's page", () => {
    const gated = http(401, `${E}/datasets/acme/d/resolve/main/a.csv`, anonymous, {
      "x-error-code": "GatedRepo",
    });
    expect(cli(gated).remedy).toBe(`hf auth login  (then request access at ${E}/datasets/acme/d)`);
    const granted = http(403, resolveUrl, fromEnv, { "x-error-code": "GatedRepo" });
    expect(cli(granted).remedy).toBe(`${E}/acme/x`);
  });

  it("repo not found: log in, or check the id (with --repo-type for models), or the token", () => {
    const notFound = { "x-error-code": "RepoNotFound" };
    expect(cli(http(404, resolveUrl, anonymous, notFound)).remedy).toBe("hf auth login");
    expect(cli(http(404, resolveUrl, fromEnv, notFound)).remedy).toBe(
      "check the repo id (for a dataset or space pass --repo-type dataset|space); for a private repo, set HF_TOKEN to a token that can see it",
    );
    expect(cli(http(404, `${E}/datasets/acme/d/resolve/main/a`, fromFile, notFound)).remedy).toBe(
      "check the repo id; for a private repo, log in with a token that can see it: hf auth login --force",
    );
  });

  it("a dataset with the same id: the old hint, word for word", () => {
    const base = http(404, `${E}/api/models/acme/d/revision/main`, fromFile, {
      "x-error-code": "RepoNotFound",
    });
    // What download/hub.ts's explainRepoError builds.
    const e = new RepoNotFoundError(`${base.message}. A dataset with this id exists`, {
      repoId: "acme/d",
      repoType: "model",
      remedy: 'pass repoType: "dataset"',
      data: { ...base.data, suggestedRepoType: "dataset" },
    });
    expect(cli(e)).toEqual({
      message: `${base.message}. A dataset with this id exists: did you mean --repo-type dataset?`,
      remedy: "hf download acme/d --repo-type dataset",
    });
  });

  it("revision not found: the repo's branches and --revision", () => {
    const e = http(404, `${E}/api/models/acme/x/revision/nope`, fromFile, {
      "x-error-code": "RevisionNotFound",
    });
    expect(e.data.revision).toBe("nope");
    expect(cli(e).remedy).toBe(
      `see the branches and tags at ${E}/acme/x/tree/main, then pass an existing --revision`,
    );
  });

  it("not cached and offline or unreachable: the hf download that fetches it", () => {
    const notCached = (offline: boolean, filename?: string) =>
      new LocalEntryNotFoundError("not cached", {
        repoId: "acme/d",
        repoType: "dataset",
        data: { reason: "not-cached", revision: "v1", filename, offline },
      });
    expect(cli(notCached(true, "a.csv")).remedy).toBe(
      "unset HF_HUB_OFFLINE (or drop --offline), then: hf download acme/d a.csv --repo-type dataset --revision v1",
    );
    expect(cli(notCached(false)).remedy).toBe(
      "check your connection, then: hf download acme/d --repo-type dataset --revision v1",
    );
  });

  it("invalid repo ids, unwritable folders, a full disk, a bad transfer", () => {
    let invalid: HfError | undefined;
    try {
      validateRepoId("bad--id/x");
    } catch (e) {
      invalid = e as HfError;
    }
    expect(cli(invalid as HfError).remedy).toBe(
      "repo ids look like 'namespace/repo_name' (e.g. acme/tiny-model); use --repo-type for datasets",
    );
    const ro = (reason: string) => new NotWritableError("ro", { data: { reason } });
    expect(cli(ro("local-dir-not-writable")).remedy).toBe("choose a writable folder for --local-dir");
    expect(cli(ro("cache-not-writable")).remedy).toContain("HF_HUB_CACHE (or --cache-dir)");
    expect(cli(new DiskFullError("full")).remedy).toBe(
      "free some disk space (hf cache prune removes leftovers), then re-run the same command",
    );
    expect(cli(new IntegrityError("x", { data: { reason: "size-mismatch" } })).remedy).toBe(
      "retry the download (add --force-download if it keeps failing)",
    );
    expect(cli(new IntegrityError("x", { data: { reason: "inconsistent-ranges" } })).remedy).toBe(
      "retry later, or run with --force-download",
    );
  });
});

describe("CLI error table: the cache", () => {
  it("scan, verify and rm targets, as hf cache words them", async () => {
    const missing = await scanCache({ cacheDir: join(dir, "nope") }).catch((e: HfError) => e);
    expect(cli(missing as HfError).remedy).toBe(
      "pass --cache-dir, or set HF_HUB_CACHE to the folder that holds the models--*/datasets--* folders",
    );
    const notCached = await verifyRevision({
      cacheDir: dir,
      repoId: "org/nothere",
      repoType: "dataset",
    }).catch((e: HfError) => e);
    expect(cli(notCached as HfError).remedy).toBe(
      "hf download org/nothere --repo-type dataset  (or pass --local-dir)",
    );
    const noLocal = await verifyRevision({ repoId: "org/x", localDir: join(dir, "tiny") }).catch(
      (e: HfError) => e,
    );
    expect(cli(noLocal as HfError).remedy).toBe(`hf download org/x --local-dir ${join(dir, "tiny")}`);
    await fsp.mkdir(join(dir, "models--org--two", "snapshots", "a"), { recursive: true });
    await fsp.mkdir(join(dir, "models--org--two", "snapshots", "b"));
    const ambiguous = await verifyRevision({ cacheDir: dir, repoId: "org/two" }).catch((e: HfError) => e);
    expect(cli(ambiguous as HfError)).toEqual({
      message:
        "Ambiguous cached revision: multiple snapshots found and no refs to disambiguate. Please pass --revision.",
      remedy: "hf cache ls --revisions  (then hf cache verify REPO_ID --revision <commit>)",
    });
    const scan = await scanCache({ cacheDir: dir });
    const rev = (() => {
      try {
        planRemoval(scan, ["hf://org/two@main/config.json"]);
      } catch (e) {
        return e as HfError;
      }
    })();
    expect(cli(rev as HfError)).toEqual({
      message: "Revisions in hf:// URIs are not supported by `hf cache rm`.",
      remedy: "drop '@<revision>' to delete the file from all cached revisions",
    });
  });

  it("errors the CLI raises itself, and unknown reasons, keep their own words", () => {
    const own = new HfUsageError("Unknown command 'x'.", { remedy: "did you mean 'hf env'?" });
    expect(describeForCli(own)).toEqual({ message: own.message, remedy: own.remedy });
    const odd = new HfUsageError("odd", { remedy: "do this", data: { reason: "not-in-the-table" } });
    expect(describeForCli(odd).remedy).toBe("do this");
  });
});

describe("exit codes live in the CLI", () => {
  it("2 for usage, 130 for an interruption, 1 for the rest", () => {
    expect(exitCodeOf(new HfUsageError("x"))).toBe(EXIT.usage);
    expect(exitCodeOf(new AbortedError())).toBe(130);
    expect(exitCodeOf(new DiskFullError("x"))).toBe(EXIT.error);
  });

  it("the deprecated HfError.exitCode agrees with the CLI's exitCodeOf", () => {
    for (const e of [
      new HfUsageError("x"),
      new AbortedError(),
      new DiskFullError("x"),
      new NotLoggedInError(),
    ]) {
      expect(e.exitCode).toBe(exitCodeOf(e));
    }
  });
});
