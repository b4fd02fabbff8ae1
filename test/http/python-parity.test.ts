import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../../src/config/index.js";
import { HfError } from "../../src/errors.js";
import { closeSharedDispatchers } from "../../src/http/dispatcher.js";
import { createHubClient } from "../../src/http/hub-client.js";
import { PYTHON_BIN, runProcess } from "../helpers/cli.js";
import { type ScriptedServer, startScriptedServer } from "./scripted-server.js";

/**
 * The same failing responses, classified by the real Python `hf_raise_for_status` (1.33) and by
 * hubkit's `raiseForStatus`: each Python class must map to the expected hubkit code. Deliberate
 * differences are listed with the case (`python` says what Python raises there).
 */
interface Case {
  name: string;
  status: number;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  python: string;
  code: string;
}

const CASES: Case[] = [
  {
    name: "revision",
    status: 404,
    path: "/acme/t/resolve/nope/f",
    headers: { "x-error-code": "RevisionNotFound" },
    python: "RevisionNotFoundError",
    code: "HF_REVISION_NOT_FOUND",
  },
  {
    name: "entry",
    status: 404,
    path: "/acme/t/resolve/main/f",
    headers: { "x-error-code": "EntryNotFound" },
    python: "RemoteEntryNotFoundError",
    code: "HF_ENTRY_NOT_FOUND",
  },
  {
    name: "gated 403",
    status: 403,
    path: "/acme/g/resolve/main/f",
    headers: { "x-error-code": "GatedRepo" },
    python: "GatedRepoError",
    code: "HF_GATED_REPO",
  },
  {
    name: "gated 401",
    status: 401,
    path: "/api/models/acme/g",
    headers: { "x-error-code": "GatedRepo" },
    python: "GatedRepoError",
    code: "HF_GATED_REPO",
  },
  {
    name: "revision beats 401",
    status: 401,
    path: "/acme/t/resolve/x/f",
    headers: { "x-error-code": "RevisionNotFound" },
    python: "RevisionNotFoundError",
    code: "HF_REVISION_NOT_FOUND",
  },
  {
    name: "disabled",
    status: 403,
    path: "/api/models/acme/d",
    headers: { "x-error-message": "Access to this resource is disabled." },
    python: "DisabledRepoError",
    code: "HF_DISABLED_REPO",
  },
  {
    name: "repo not found 404",
    status: 404,
    path: "/api/models/acme/none",
    headers: { "x-error-code": "RepoNotFound" },
    python: "RepositoryNotFoundError",
    code: "HF_REPO_NOT_FOUND",
  },
  {
    name: "repo not found 401",
    status: 401,
    path: "/api/datasets/acme/private",
    headers: { "x-error-code": "RepoNotFound" },
    python: "RepositoryNotFoundError",
    code: "HF_REPO_NOT_FOUND",
  },
  {
    name: "bad request",
    status: 400,
    path: "/api/models/acme/t/paths-info/main",
    body: '{"error":"bad"}',
    python: "BadRequestError",
    code: "HF_HTTP_ERROR",
  },
  {
    name: "forbidden",
    status: 403,
    path: "/api/models/acme/t",
    headers: { "x-error-message": "no rights" },
    python: "HfHubHTTPError",
    code: "HF_FORBIDDEN",
  },
  {
    name: "rate limited",
    status: 429,
    path: "/api/models",
    headers: { ratelimit: '"api";r=0;t=3600' },
    python: "HfHubHTTPError",
    code: "HF_RATE_LIMITED",
  },
  {
    name: "range",
    status: 416,
    path: "/acme/t/resolve/main/f",
    headers: { "content-range": "bytes */3" },
    python: "HfHubHTTPError",
    code: "HF_HTTP_ERROR",
  },
  { name: "plain 404", status: 404, path: "/api/nothing", python: "HfHubHTTPError", code: "HF_HTTP_ERROR" },
  {
    name: "server error",
    status: 502,
    path: "/api/models/acme/t",
    python: "HfHubHTTPError",
    code: "HF_SERVER_ERROR",
  },
  // Deliberate: Python raises a generic HfHubHTTPError for a rejected token; hubkit names it.
  {
    name: "invalid credentials",
    status: 401,
    path: "/api/foo",
    headers: { "x-error-message": "Invalid credentials in Authorization header" },
    python: "HfHubHTTPError",
    code: "HF_AUTH_INVALID",
  },
  {
    name: "whoami 401",
    status: 401,
    path: "/api/whoami-v2",
    python: "HfHubHTTPError",
    code: "HF_AUTH_INVALID",
  },
  // Deliberate: Python's 401-as-RepoNotFound regex is https-only, so on this http server it falls
  // through to a generic error; hubkit applies the rule to http endpoints too.
  {
    name: "401 on a repo URL over http",
    status: 401,
    path: "/api/models/acme/private",
    python: "HfHubHTTPError",
    code: "HF_REPO_NOT_FOUND",
  },
];

const PYTHON = join(PYTHON_BIN, "python");
const SCRIPT = `
import json, sys, httpx
from huggingface_hub.utils import hf_raise_for_status
out = []
with httpx.Client() as c:
    for url in json.loads(sys.argv[1]):
        try:
            hf_raise_for_status(c.get(url))
            out.append("OK")
        except Exception as e:
            out.append(type(e).__name__)
print(json.dumps(out))
`;

describe.skipIf(!existsSync(PYTHON))("error classes match Python's hf_raise_for_status", () => {
  let hub: ScriptedServer;
  beforeAll(async () => {
    hub = await startScriptedServer((req, res) => {
      const i = Number(/^\/case\/(\d+)/.exec(req.url ?? "")?.[1]);
      const c = CASES[i];
      if (!c) {
        res.statusCode = 500;
        return res.end("unknown case");
      }
      res.statusCode = c.status;
      for (const [k, v] of Object.entries(c.headers ?? {})) res.setHeader(k, v);
      res.end(c.body ?? "");
    });
  });
  afterAll(async () => {
    await hub.close();
    await closeSharedDispatchers();
  });

  it("every case: Python's class and hubkit's code agree with the table", async () => {
    // The case index goes in a prefix the server strips; the rest of the path is what both
    // clients parse. Python sees "/case/N/api/..." too, which its regexes search, not anchor.
    const urls = CASES.map((c, i) => `${hub.url}/case/${i}${c.path}`);
    const py = await runProcess(PYTHON, ["-c", SCRIPT, JSON.stringify(urls)], { timeoutMs: 60_000 });
    expect(py.code, py.stderr).toBe(0);
    const pythonClasses = JSON.parse(py.stdout) as string[];

    const config = readConfig({ HF_HOME: "/nonexistent-hf-home", HF_ENDPOINT: `${hub.url}/case/0` });
    const got: string[] = [];
    for (const [i, c] of CASES.entries()) {
      const client = createHubClient({
        config: { ...config, endpoint: `${hub.url}/case/${i}` },
        token: "hf_parityParityParityParityParity0000",
        retry: { retries: 0 },
      });
      try {
        await client.request({ url: c.path });
        got.push("OK");
      } catch (e) {
        got.push(e instanceof HfError ? e.code : String(e));
      }
    }
    const table = CASES.map((c, i) => `${c.name}: python ${pythonClasses[i]} / hubkit ${got[i]}`);
    const expected = CASES.map((c) => `${c.name}: python ${c.python} / hubkit ${c.code}`);
    expect(table).toEqual(expected);
  });
});
