import { spawn } from "node:child_process";
import { existsSync, promises as fsp } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { etagOf, MAIN, makeCache, OLD, standardRepos, tempDir } from "../cache/make-cache.js";
import { CLI, runHf } from "../helpers/cli.js";

let dir: string;
let cache: string;
let folders: Record<string, string>;
let env: Record<string, string>;
beforeEach(async () => {
  dir = await tempDir("hubkit-cache-e2e-");
  cache = join(dir, "hub");
  folders = await makeCache(cache, standardRepos());
  env = { HF_HOME: join(dir, "home"), HF_HUB_CACHE: cache, COLUMNS: "200" };
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const exists = (p: string) =>
  fsp.lstat(p).then(
    () => true,
    () => false,
  );

describe("hf cache ls", () => {
  it("prints Python's table: ids type/org/name, right-aligned 1000-based sizes, refs, a Found line", async () => {
    const r = await runHf(["cache", "ls"], { env });
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^ID\s+SIZE LAST_ACCESSED\s+LAST_MODIFIED\s+REFS\s*$/);
    expect(lines[2]).toMatch(/^dataset\/org\/ds1 +8\.0 a few seconds ago a few seconds ago main\s*$/);
    expect(lines[3]).toMatch(
      /^model\/org\/model1 +3\.0K a few seconds ago a few seconds ago main, refs\/pr\/1$/,
    );
    expect(lines[4]).toMatch(/^space\/user\/space1 +1\.0 /);
    expect(r.stdout).toContain("\nFound 3 repo(s) for a total of 4 revision(s) and 3.0K on disk.");
    expect(r.stderr).toBe("");
  });

  it("--format json: bytes and ISO 8601 times next to Python's ids and refs", async () => {
    const r = await runHf(["cache", "ls", "--format", "json"], { env });
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows.map((x: { id: string }) => x.id)).toEqual([
      "dataset/org/ds1",
      "model/org/model1",
      "space/user/space1",
    ]);
    const model = rows[1];
    expect(model).toMatchObject({
      repo_id: "org/model1",
      repo_type: "model",
      size: 3022,
      nb_files: 4,
      refs: ["main", "refs/pr/1"],
    });
    expect(new Date(model.last_accessed).toISOString()).toBe(model.last_accessed);
    const revs = JSON.parse((await runHf(["cache", "ls", "--revisions", "--json"], { env })).stdout);
    expect(revs.map((x: { revision: string }) => x.revision)).toContain(OLD);
    expect(revs.find((x: { revision: string }) => x.revision === OLD).refs).toEqual([]);
  });

  it("--revisions, --filter, --sort, --limit, csv and quiet", async () => {
    let r = await runHf(["cache", "ls", "--revisions", "--filter", "type=model", "--sort", "size"], { env });
    const rows = r.stdout.split("\n").filter((l) => l.startsWith("model/"));
    expect(rows[0]).toContain(MAIN);
    expect(rows[1]).toContain(OLD);
    expect(rows[1]).toMatch(/16\.0 a few seconds ago\s*$/);
    expect(r.stdout).toContain("Found 1 repo(s) for a total of 2 revision(s) and 3.0K on disk.");
    r = await runHf(["cache", "ls", "-f", "size>10", "-f", "refs=main", "--format", "quiet"], { env });
    expect(r.stdout).toBe("model/org/model1\n");
    r = await runHf(["cache", "ls", "--format", "csv", "--limit", "1"], { env });
    expect(r.stdout.split("\n")[0]).toBe(
      "id,repo_id,repo_type,size,nb_files,last_accessed,last_modified,refs,repo_path",
    );
    expect(r.stdout.split("\n")[1]).toMatch(/^dataset\/org\/ds1,org\/ds1,dataset,8,1,\d{4}-/);
    r = await runHf(["cache", "ls", "--filter", "accessed>7d"], { env });
    expect(r.stdout).toBe("No results found.\n");
  });

  it("bad filters and limits are usage errors (exit 2); a missing cache is exit 1", async () => {
    let r = await runHf(["cache", "ls", "--filter", "size~1"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Invalid filter expression: 'size~1'.");
    r = await runHf(["cache", "ls", "--filter", "bogus=1"], { env });
    expect(r.stderr).toContain("Unsupported filter key 'bogus'");
    r = await runHf(["cache", "ls", "--limit", "-1"], { env });
    expect(r.code).toBe(2);
    r = await runHf(["cache", "ls", "--sort", "colour"], { env });
    expect(r.code).toBe(2);
    r = await runHf(["cache", "ls", "--cache-dir", join(dir, "nope")], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Error: Cache directory not found: ${join(dir, "nope")}`);
  });

  it("warnings and partial downloads are summarised on stderr, detailed with --show-warnings", async () => {
    await fsp.writeFile(join(cache, "version.txt"), "1");
    await fsp.writeFile(
      join(folders["org/model1"]!, "blobs", `${"a".repeat(64)}.incomplete`),
      Buffer.alloc(1200),
    );
    let r = await runHf(["cache", "ls"], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "Warning: Found 1 cache inconsistencies. Re-run with `--show-warnings` to display them.",
    );
    expect(r.stderr).toContain(
      "Hint: Found 1 incomplete download(s) totalling 1.2K. Remove them with 'hf cache prune'.",
    );
    r = await runHf(["cache", "ls", "--show-warnings"], { env });
    expect(r.stderr).toContain(
      `Warning: Repo path is not a directory: ${join(cache, "version.txt")}. Repo ignored.`,
    );
  });

  it("hf scan-cache is hf cache ls with a one-line note", async () => {
    const r = await runHf(["scan-cache", "--dir", cache], {
      env: { ...env, HF_HUB_CACHE: join(dir, "elsewhere") },
    });
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("use 'hf cache ls'");
    expect(r.stdout).toContain("model/org/model1");
  });
});

describe("hf cache rm", () => {
  it("--dry-run prints the plan and bytes freed, deletes nothing", async () => {
    const r = await runHf(["cache", "rm", "model/org/model1", "--dry-run"], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "About to delete 1 repo(s) totalling 3.0K.",
        "  - model/org/model1 (entire repo)",
        "✓ Dry run: no files were deleted.",
        "  dry_run: True",
        "  repos: 1",
        "  revisions: 2",
        "  size: 3.0K",
        "",
      ].join("\n"),
    );
    expect(await exists(folders["org/model1"]!)).toBe(true);
  });

  it("refuses without -y when not on a terminal (exit 2), and deletes with -y", async () => {
    let r = await runHf(["cache", "rm", OLD], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Refusing to delete without confirmation");
    expect(r.stderr).toContain("add -y");
    expect(await exists(join(folders["org/model1"]!, "snapshots", OLD))).toBe(true);
    r = await runHf(["cache", "rm", OLD, "-y"], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `About to delete 1 revision(s) totalling 8.0.\n  - model/org/model1:\n      ${OLD} [(detached)] 16.0\n`,
    );
    expect(r.stdout).toContain("✓ Deleted 0 repo(s) and 1 revision(s); freed 8.0.");
    expect(await exists(join(folders["org/model1"]!, "snapshots", OLD))).toBe(false);
    expect(await exists(join(folders["org/model1"]!, "blobs", etagOf('{"a": 1}')))).toBe(true);
  });

  it("org/name needs --repo-type; unknown targets are warned about and nothing is deleted", async () => {
    let r = await runHf(["cache", "rm", "org/ds1", "-y"], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("Warning: Could not find in cache:\n  - org/ds1");
    expect(r.stderr).toContain("hf cache rm dataset/org/ds1");
    expect(r.stdout).toBe("Nothing to delete.\n");
    r = await runHf(["cache", "rm", "org/ds1", "--repo-type", "dataset", "-y", "--format", "json"], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ repos_deleted: 1, revisions_deleted: 1, freed: 8 });
    expect(await exists(folders["org/ds1"]!)).toBe(false);
  });

  it("hf delete-cache (non-interactive) maps to hf cache rm with a note", async () => {
    const r = await runHf(["delete-cache", OLD, "--dry-run"], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("use 'hf cache rm TARGET...'");
    expect(r.stdout).toContain("Dry run: no files were deleted.");
    const none = await runHf(["delete-cache"], { env });
    expect(none.code).toBe(2);
  });
});

/** Runs the CLI on a real pseudo-terminal (util-linux `script`), answering `answer` to the prompt. */
function onTty(args: string[], answer: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const cmd = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(" ");
    const child = spawn("script", ["-qec", cmd, "/dev/null"], {
      env: { PATH: process.env.PATH ?? "", HOME: dir, NO_COLOR: "1", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let answered = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no prompt within 20 s: ${out}`));
    }, 20_000);
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      if (!answered && out.includes("Proceed with deletion?")) {
        answered = true;
        child.stdin.write(`${answer}\r`);
      }
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, out });
    });
  });
}

describe.runIf(existsSync("/usr/bin/script"))("hf cache rm on a terminal", () => {
  it("asks; 'n' deletes nothing (exit 1), 'y' deletes", async () => {
    let r = await onTty(["cache", "rm", "model/org/model1"], "n");
    expect(r.out).toContain("About to delete 1 repo(s) totalling 3.0K.");
    expect(r.code).toBe(1);
    expect(await exists(folders["org/model1"]!)).toBe(true);
    r = await onTty(["cache", "rm", "model/org/model1"], "y");
    expect(r.code).toBe(0);
    expect(r.out).toContain("✓ Deleted 1 repo(s) and 2 revision(s); freed 3.0K.");
    expect(await exists(folders["org/model1"]!)).toBe(false);
  }, 60_000);
});

describe("hf cache prune", () => {
  it("removes detached revisions and stale partial files", async () => {
    const partial = join(folders["org/model1"]!, "blobs", `${"e".repeat(64)}.abcdef12.incomplete`);
    await fsp.writeFile(partial, Buffer.alloc(1000));
    const old = new Date(Date.now() - 3600_000);
    await fsp.utimes(partial, old, old);
    let r = await runHf(["cache", "prune", "--dry-run", "--json"], { env });
    expect(JSON.parse(r.stdout)).toMatchObject({ dry_run: true, revisions: 1, incomplete: 1, size: 1008 });
    r = await runHf(["cache", "prune", "-y"], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "About to delete 1 unreferenced revision(s) and 1 incomplete download(s) (1.0K total).",
    );
    expect(r.stdout).toContain(
      "✓ Deleted 1 unreferenced revision(s) and 1 incomplete download(s); freed 1.0K.",
    );
    expect(await exists(partial)).toBe(false);
    r = await runHf(["cache", "prune", "-y"], { env });
    expect(r.stdout).toBe(
      "No unreferenced revisions, incomplete downloads or shared blobs found. Nothing to prune.\n",
    );
  });
});

describe("hf cache verify", () => {
  it("exit 0 when every checksum matches, exit 1 listing exactly the corrupt file", async () => {
    let r = await runHf(["cache", "verify", "org/model1"], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✓ Verified 3 file(s) for model 'org/model1'. All checksums match.");
    const blob = join(folders["org/model1"]!, "blobs", etagOf("nested"));
    await fsp.writeFile(blob, "nestee");
    r = await runHf(["cache", "verify", "org/model1"], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("❌ Checksum verification failed for the following file(s):");
    expect(r.stdout).toContain(
      `  - sub/dir/nested.txt: expected ${etagOf("nested")} (git-sha1), got ${etagOf("nestee")}`,
    );
    expect(r.stdout).not.toContain("config.json");
    expect(r.stderr).toContain("Error: Verification failed for 'org/model1' (model)");
    r = await runHf(["cache", "verify", "org/model1", "--json"], { env });
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, corrupt: [{ path: "sub/dir/nested.txt" }] });
  });

  it("usage and not-cached errors", async () => {
    let r = await runHf(["cache", "verify", "org/model1", "--local-dir", dir, "--cache-dir", cache], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Cannot pass both --local-dir and --cache-dir.");
    r = await runHf(["cache", "verify", "org/nothere"], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Repo is not present in cache");
  });
});
