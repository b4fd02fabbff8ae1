import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PYTHON_BIN, runProcess, runPythonJson } from "../helpers/cli.js";
import { DEMO_TOKENS, type HubServer, startHub } from "../helpers/hub.js";

/**
 * The real Python client (huggingface_hub 1.33 in .venv-py) against the local Hub: if Python accepts
 * it, the server speaks the Hub's protocol. Xet is NOT disabled: the server must never advertise it.
 */
const PY = join(PYTHON_BIN, "python");
let hub: HubServer;
let root: string;
let homeCounter = 0;

beforeAll(async () => {
  hub = await startHub({ demo: true, oauth: { interval: 1 } });
  root = await mkdtemp(join(tmpdir(), "hubkit-server-py-"));
});
afterAll(async () => {
  await hub.close();
  await rm(root, { recursive: true, force: true });
});

function env(token?: string, home = join(root, `home-${++homeCounter}`)): Record<string, string> {
  const e: Record<string, string> = {
    HF_HOME: home,
    HF_ENDPOINT: hub.url,
    HF_HUB_DISABLE_TELEMETRY: "1",
    HF_HUB_DISABLE_UPDATE_CHECK: "1",
    HF_HUB_DISABLE_PROGRESS_BARS: "1",
  };
  if (token) e.HF_TOKEN = token;
  return e;
}

/** Runs a Python snippet (with huggingface_hub imported) whose last stdout line is JSON. */
function py<T = Record<string, unknown>>(code: string, environment: Record<string, string>): Promise<T> {
  const prelude =
    "import hashlib, os, sys\nimport huggingface_hub as hh\nfrom huggingface_hub import errors\n";
  return runPythonJson<T>(prelude + code, { env: environment, timeoutMs: 30_000 });
}

/** `try: ... except Exception as e: out = class name` as a Python expression helper. */
const CATCH = `
def attempt(fn):
    try:
        fn()
        return "ok"
    except Exception as e:
        return type(e).__name__
`;

describe("the Python client against hf serve", () => {
  test("whoami: name, orgs, token role; an invalid token fails", async () => {
    const out = await py(
      `${CATCH}
a = hh.whoami()
fg = hh.whoami(token=${JSON.stringify(DEMO_TOKENS.aliceFineGrained)})
bad = attempt(lambda: hh.whoami(token="hf_notARealTokenAtAll000000000000000000"))
print(json.dumps({"name": a["name"], "orgs": [o["name"] for o in a["orgs"]], "role": a["auth"]["accessToken"]["role"], "fg": fg["auth"]["accessToken"]["role"], "bad": bad}))`,
      env(DEMO_TOKENS.alice),
    );
    expect(out).toEqual({
      name: "alice",
      orgs: ["acme"],
      role: "read",
      fg: "fineGrained",
      bad: "HfHubHTTPError",
    });
  });

  test("hf_hub_download: a regular file (git sha1) and an LFS file (sha256 checked)", async () => {
    const out = await py(
      `
info = hh.model_info("acme/tiny-model", files_metadata=True)
lfs = {s.rfilename: s.lfs.sha256 for s in info.siblings if s.lfs}
blob = {s.rfilename: s.blob_id for s in info.siblings}
m = hh.hf_hub_download("acme/tiny-model", "model.safetensors")
c = hh.hf_hub_download("acme/tiny-model", "config.json")
data = open(c, "rb").read()
git = hashlib.sha1(b"blob %d\\0" % len(data) + data).hexdigest()
print(json.dumps({"sha256": hashlib.sha256(open(m, "rb").read()).hexdigest(), "expected": lfs["model.safetensors"],
  "size": os.path.getsize(m), "git": git, "blob": blob["config.json"], "commit": os.path.basename(os.path.dirname(m)), "sha": info.sha}))`,
      env(),
    );
    expect(out.sha256).toBe(out.expected);
    expect(out.size).toBe(4 * 1024 * 1024);
    expect(out.git).toBe(out.blob);
    expect(out.commit).toBe(out.sha);
  });

  test("snapshot_download: all files, and allow_patterns", async () => {
    const out = await py(
      `
def files(p):
    return sorted(os.path.relpath(os.path.join(d, f), p) for d, _, fs in os.walk(p) for f in fs)
a = hh.snapshot_download("acme/tiny-model")
b = hh.snapshot_download("acme/tiny-model", allow_patterns=["*.json"], cache_dir=os.environ["HF_HOME"] + "/other")
print(json.dumps({"all": files(a), "json": files(b)}))`,
      env(),
    );
    expect(out.all).toEqual([
      ".gitattributes",
      "README.md",
      "config.json",
      "model.safetensors",
      "onnx/model.onnx",
      "special_tokens_map.json",
      "subdir/nested.txt",
      "tokenizer.json",
      "tokenizer_config.json",
      "vocab.txt",
    ]);
    expect(out.json).toEqual([
      "config.json",
      "special_tokens_map.json",
      "tokenizer.json",
      "tokenizer_config.json",
    ]);
  });

  test("revisions: branch, tag and commit", async () => {
    const out = await py(
      `${CATCH}
dev = hh.model_info("acme/tiny-model", revision="dev").sha
r_dev = open(hh.hf_hub_download("acme/tiny-model", "README.md", revision="dev")).read()
r_tag = open(hh.hf_hub_download("acme/tiny-model", "README.md", revision="v1.0")).read()
r_main = open(hh.hf_hub_download("acme/tiny-model", "README.md")).read()
by_commit = hh.hf_hub_download("acme/tiny-model", "tokenizer.json", revision=dev)
no_tok = attempt(lambda: hh.hf_hub_download("acme/tiny-model", "tokenizer.json", revision="v1.0"))
no_rev = attempt(lambda: hh.hf_hub_download("acme/tiny-model", "README.md", revision="nope"))
print(json.dumps({"devEqTag": r_dev == r_tag, "mainV2": "Version 2" in r_main, "tagV2": "Version 2" in r_tag,
  "commitDir": os.path.basename(os.path.dirname(by_commit)) == dev, "noTok": no_tok, "noRev": no_rev}))`,
      env(),
    );
    expect(out).toEqual({
      devEqTag: true,
      mainV2: true,
      tagV2: false,
      commitDir: true,
      noTok: "RemoteEntryNotFoundError",
      noRev: "RevisionNotFoundError",
    });
  });

  test("gated: alice downloads; bob gets GatedRepoError; anonymous gets GatedRepoError", async () => {
    const code = `${CATCH}
print(json.dumps({"file": attempt(lambda: hh.hf_hub_download("meta-llama/Llama-3.2-1B", "config.json")),
  "snapshot": attempt(lambda: hh.snapshot_download("meta-llama/Llama-3.2-1B")),
  "check": attempt(lambda: hh.auth_check("meta-llama/Llama-3.2-1B"))}))`;
    expect(await py(code, env(DEMO_TOKENS.alice))).toEqual({ file: "ok", snapshot: "ok", check: "ok" });
    const gated = { file: "GatedRepoError", snapshot: "GatedRepoError", check: "GatedRepoError" };
    expect(await py(code, env(DEMO_TOKENS.bob))).toEqual(gated);
    expect(await py(code, env())).toEqual(gated);
  });

  test("private: alice reads it; bob and anonymous get RepositoryNotFoundError", async () => {
    const code = `${CATCH}
print(json.dumps({"file": attempt(lambda: hh.hf_hub_download("alice/private-notes", "notes.txt")),
  "info": attempt(lambda: hh.model_info("alice/private-notes"))}))`;
    expect(await py(code, env(DEMO_TOKENS.alice))).toEqual({ file: "ok", info: "ok" });
    const missing = { file: "RepositoryNotFoundError", info: "RepositoryNotFoundError" };
    expect(await py(code, env(DEMO_TOKENS.bob))).toEqual(missing);
    expect(await py(code, env())).toEqual(missing);
  });

  test("dataset repos, tree listing, paths-info and refs through HfApi", async () => {
    const out = await py(
      `
api = hh.HfApi()
snap = hh.snapshot_download("acme/tiny-dataset", repo_type="dataset")
tree = sorted(f.path for f in api.list_repo_tree("acme/tiny-model", recursive=True, expand=True))
paths = [type(p).__name__ + ":" + p.path for p in api.get_paths_info("acme/tiny-model", ["config.json", "subdir"])]
refs = api.list_repo_refs("acme/tiny-model", include_pull_requests=True)
print(json.dumps({"snap": sorted(os.listdir(os.path.join(snap, "data"))), "tree": tree, "paths": paths,
  "branches": sorted(b.name for b in refs.branches), "tags": [t.name for t in refs.tags], "prs": refs.pull_requests}))`,
      env(),
    );
    expect(out).toEqual({
      snap: ["test-00000-of-00001.parquet", "train-00000-of-00001.parquet"],
      tree: [
        ".gitattributes",
        "README.md",
        "config.json",
        "model.safetensors",
        "onnx",
        "onnx/model.onnx",
        "special_tokens_map.json",
        "subdir",
        "subdir/nested.txt",
        "tokenizer.json",
        "tokenizer_config.json",
        "vocab.txt",
      ],
      paths: ["RepoFile:config.json", "RepoFolder:subdir"],
      branches: ["dev", "main"],
      tags: ["v1.0"],
      prs: [],
    });
  });

  test("HfApi's gated-repo admin calls: list pending, accept, then the requester downloads", async () => {
    hub.addRepo({
      id: "bob/gated",
      owner: "bob",
      gated: "manual",
      commits: [{ files: { "w.txt": { content: "w" } } }],
    });
    hub.requestAccess("bob/gated", "alice");
    const out = await py(
      `${CATCH}
api = hh.HfApi(token=${JSON.stringify(DEMO_TOKENS.bob)})
alice = ${JSON.stringify(DEMO_TOKENS.alice)}
before = attempt(lambda: hh.hf_hub_download("bob/gated", "w.txt", token=alice))
pending = [r.username for r in api.list_pending_access_requests("bob/gated")]
api.accept_access_request("bob/gated", "alice")
accepted = [r.username for r in api.list_accepted_access_requests("bob/gated")]
after = attempt(lambda: hh.hf_hub_download("bob/gated", "w.txt", token=alice))
print(json.dumps({"before": before, "pending": pending, "accepted": accepted, "after": after}))`,
      env(),
    );
    expect(out).toEqual({ before: "GatedRepoError", pending: ["alice"], accepted: ["alice"], after: "ok" });
  });

  test("the device-code login of Python's `hf auth login`, approved on the server; the refresh on next use", async () => {
    const home = join(root, "oauth-home");
    const child = spawn(
      PY,
      ["-u", "-c", "from huggingface_hub._login import _device_code_login\n_device_code_login()"],
      { env: { PATH: process.env.PATH ?? "", ...env(undefined, home) }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    const code = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no user code printed: ${stdout}${stderr}`)), 20_000);
      child.stdout.setEncoding("utf8").on("data", (d) => {
        stdout += d;
        const m = /enter the code: ([A-Z]{4}-[A-Z]{4})/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1] as string);
        }
      });
    });
    expect(stdout).toContain(`${hub.url}/device?user_code=${code}`);
    hub.approveDeviceCode(code, "alice");
    expect(await exited, stderr).toBe(0);
    const stored = await readFile(join(home, "stored_tokens"), "utf8");
    expect(stored).toContain("[oauth-alice]");
    // A token that expires within a day is refreshed by the next get_token(): rotation through /oauth/token.
    hub.reset();
    const who = await py(`print(json.dumps({"name": hh.whoami()["name"]}))`, env(undefined, home));
    expect(who).toEqual({ name: "alice" });
    expect(hub.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      "POST /oauth/token 200",
      "GET /api/whoami-v2 200",
    ]);
  });

  test("the Python `hf auth login` CLI (agent mode: device code), approved over HTTP", async () => {
    const child = spawn(join(PYTHON_BIN, "hf"), ["auth", "login", "--format", "agent"], {
      env: { PATH: process.env.PATH ?? "", ...env() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stderr.resume();
    const exited = new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    const code = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no user code printed: ${stdout}`)), 20_000);
      child.stdout.setEncoding("utf8").on("data", (d) => {
        stdout += d;
        const m = /enter the code ([A-Z]{4}-[A-Z]{4})/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1] as string);
        }
      });
    });
    const approve = await fetch(`${hub.url}/_hubkit/device/approve`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ user_code: code, user: "bob" }),
    });
    expect(approve.status).toBe(200);
    expect(await exited).toBe(0);
    expect(stdout).toContain("logged in as bob (token saved as 'oauth-bob')");
  });

  test("the Python CLIs: `hf auth whoami` and `hf download`", async () => {
    const whoami = await runProcess(join(PYTHON_BIN, "hf"), ["auth", "whoami"], {
      env: env(DEMO_TOKENS.bob),
      timeoutMs: 30_000,
    });
    expect(whoami.code, whoami.stderr).toBe(0);
    expect(whoami.stdout).toContain("bob");
    const dl = await runProcess(
      join(PYTHON_BIN, "hf"),
      ["download", "acme/tiny-model", "model.safetensors"],
      {
        env: env(),
        timeoutMs: 30_000,
      },
    );
    expect(dl.code, dl.stderr).toBe(0);
    expect(dl.stdout.trim()).toMatch(/snapshots\/[0-9a-f]{40}\/model\.safetensors$/);
    const gated = await runProcess(
      join(PYTHON_BIN, "hf"),
      ["download", "meta-llama/Llama-3.2-1B", "config.json"],
      {
        env: env(DEMO_TOKENS.bob),
        timeoutMs: 30_000,
      },
    );
    expect(gated.code).not.toBe(0);
    expect(gated.stdout + gated.stderr).toMatch(/requires approval|gated/i);
  });
});

test("no request with Authorization ever reached the CDN, and Python hit no unknown route", () => {
  // Runs last in this file: the request log covers the downloads of the CLI test above.
  const cdn = hub.requests.filter((r) => r.server === "cdn");
  expect(cdn.length).toBeGreaterThan(0);
  expect(cdn.filter((r) => r.authorization)).toEqual([]);
  expect(hub.unknownRoutes).toEqual([]);
});
