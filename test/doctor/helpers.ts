import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { readConfig } from "../../src/config/index.js";
import type { DoctorContext } from "../../src/doctor/types.js";
import { createHubServer, type HubServer, type HubServerOptions } from "../../src/server/index.js";

export interface Sandbox {
  root: string;
  home: string;
  /** A plain folder to use as cwd (not a git repo unless `gitInit` is called on it). */
  work: string;
  env: Record<string, string | undefined>;
  ctx(extra?: Record<string, string | undefined>, over?: Partial<DoctorContext>): DoctorContext;
  write(rel: string, content: string): Promise<string>;
  git(args: string[], cwd?: string): string;
  cleanup(): Promise<void>;
}

/**
 * A temp HOME (so ~/.gitconfig, ~/.git-credentials and ~/.cache/huggingface are the test's own),
 * HF_HOME inside it, and git isolated from the machine's system config.
 */
export async function sandbox(): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), "hubkit-doctor-"));
  const home = join(root, "home");
  const work = join(root, "work");
  await mkdir(home, { recursive: true });
  await mkdir(work, { recursive: true });
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: home,
    HF_HOME: join(home, ".cache", "huggingface"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "t",
    GIT_AUTHOR_EMAIL: "t@example.invalid",
    GIT_COMMITTER_NAME: "t",
    GIT_COMMITTER_EMAIL: "t@example.invalid",
  };
  const sb: Sandbox = {
    root,
    home,
    work,
    env,
    ctx(extra = {}, over = {}) {
      const e = { ...env, ...extra };
      for (const [k, v] of Object.entries(e)) if (v === undefined) delete e[k];
      return { config: readConfig(e), env: e, cwd: work, timeoutMs: 5_000, ...over };
    },
    async write(rel, content) {
      const p = rel.startsWith("/") ? rel : join(work, rel);
      await mkdir(dirname(p), { recursive: true });
      await writeFile(p, content);
      return p;
    },
    git(args, cwd = work) {
      const childEnv: Record<string, string> = {};
      for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
      return execFileSync("git", args, { cwd, env: childEnv, encoding: "utf8" });
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
  return sb;
}

/**
 * For one test file: a local Hub (`demo: true` unless told otherwise) and a sandbox, started in
 * beforeAll and removed in afterAll. Read `hub` and `sb` inside tests, not at module level.
 *
 * @example
 * const t = useHubSandbox();
 * it("...", async () => { await runHf(["doctor"], { env: { ...t.sb.env, HF_ENDPOINT: t.hub.url } }); });
 */
export function useHubSandbox(options: HubServerOptions = { demo: true }): { hub: HubServer; sb: Sandbox } {
  const t = {} as { hub: HubServer; sb: Sandbox };
  beforeAll(async () => {
    t.hub = await createHubServer(options);
    t.sb = await sandbox();
  });
  afterAll(async () => {
    await t.hub?.close();
    await t.sb?.cleanup();
  });
  return t;
}
