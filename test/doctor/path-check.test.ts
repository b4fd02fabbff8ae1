import { chmod, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkHfOnPath, findOnPath, identifyHf } from "../../src/doctor/path-check.js";
import { type Sandbox, sandbox } from "./helpers.js";

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
});
afterEach(() => sb.cleanup());

/** A fake `hf` as pip installs it (python shebang importing huggingface_hub) or as npm links hubkit. */
async function fakeHf(dir: string, kind: "python" | "hubkit" | "other"): Promise<string> {
  const body =
    kind === "python"
      ? "#!/usr/bin/python3\nimport re\nimport sys\nfrom huggingface_hub.cli.hf import main\n"
      : kind === "hubkit"
        ? "#!/usr/bin/env node\nimport { createRequire as __hubkitCreateRequire } from 'node:module';\n"
        : "#!/bin/sh\necho mystery 9\n";
  const p = await sb.write(join(sb.root, dir, "hf"), body);
  await chmod(p, 0o755);
  return p;
}

describe("findOnPath / identifyHf", () => {
  it("lists executables in PATH order and skips non-executable files and missing folders", async () => {
    const a = await fakeHf("a", "python");
    await sb.write(join(sb.root, "b", "hf"), "not executable");
    const c = await fakeHf("c", "hubkit");
    const PATH = [join(sb.root, "missing"), join(sb.root, "a"), join(sb.root, "b"), join(sb.root, "c")].join(
      ":",
    );
    expect(await findOnPath("hf", { PATH })).toEqual([a, c]);
  });

  it("tells Python's launcher from hubkit's bundle by the file head, and runs --version otherwise", async () => {
    expect((await identifyHf(await fakeHf("a", "python"), sb.env)).kind).toBe("python");
    expect((await identifyHf(await fakeHf("b", "hubkit"), sb.env)).kind).toBe("hubkit");
    const other = await identifyHf(await fakeHf("c", "other"), sb.env);
    expect(other).toMatchObject({ kind: "other", version: "mystery 9" });
  });
});

describe("checkHfOnPath", () => {
  it("ok when hubkit is the only hf", async () => {
    await fakeHf("h", "hubkit");
    const r = await checkHfOnPath(sb.ctx({ PATH: join(sb.root, "h") }));
    expect(r).toMatchObject({ id: "path.hf", status: "ok" });
  });

  it("warns when Python's hf comes first and shadows hubkit, with the PATH line that fixes it", async () => {
    await fakeHf("py", "python");
    const hub = await fakeHf("node", "hubkit");
    const r = await checkHfOnPath(sb.ctx({ PATH: `${join(sb.root, "py")}:${join(sb.root, "node")}` }));
    expect(r.status).toBe("warn");
    expect(r.message).toContain("Python's huggingface_hub hf");
    expect(r.message).toContain(`shadows hubkit at ${hub}`);
    expect(r.remedy).toContain(`export PATH="${join(sb.root, "node")}:$PATH"`);
  });

  it("warns the other way too: hubkit shadows Python's hf", async () => {
    await fakeHf("node", "hubkit");
    const py = await fakeHf("py", "python");
    const r = await checkHfOnPath(sb.ctx({ PATH: `${join(sb.root, "node")}:${join(sb.root, "py")}` }));
    expect(r.status).toBe("warn");
    expect(r.message).toContain(`shadows Python's hf at ${py}`);
  });

  it("warns with the install command when there is no hf at all", async () => {
    await mkdir(join(sb.root, "empty"));
    const r = await checkHfOnPath(sb.ctx({ PATH: join(sb.root, "empty") }));
    expect(r).toMatchObject({ status: "warn", remedy: expect.stringContaining("npm install -g hubkit") });
  });

  it("recognises the real Python hf of .venv-py", async () => {
    const r = await identifyHf(join(process.cwd(), ".venv-py", "bin", "hf"), sb.env);
    expect(r.kind).toBe("python");
  });
});
