import { beforeEach, describe, expect, it } from "vitest";
import { checkRepoAccess } from "../../src/doctor/repo-check.js";
import { DEMO_TOKENS } from "../../src/server/index.js";
import { useHubSandbox } from "./helpers.js";

const t = useHubSandbox();
beforeEach(() => t.hub.reset());

const gated = { id: "meta-llama/Llama-3.2-1B", type: "model" as const };
const check = (token: string | undefined, repo: { id: string; type: "model" | "dataset" | "space" }) =>
  checkRepoAccess(t.sb.ctx({ HF_ENDPOINT: t.hub.url, HF_TOKEN: token }, { repo }));
const statuses = (rs: { id: string; status: string }[]) => rs.map((r) => `${r.id}:${r.status}`);

describe("checkRepoAccess", () => {
  it("public repo: exists, not gated, access granted by a HEAD on a file", async () => {
    const rs = await check(undefined, { id: "acme/tiny-model", type: "model" });
    expect(statuses(rs)).toEqual(["repo.exists:ok", "repo.gated:ok", "repo.access:ok"]);
    expect(rs[2]?.data?.file).toBe("config.json");
    expect(
      t.hub.requests.some((r) => r.method === "HEAD" && r.path.includes("/resolve/main/config.json")),
    ).toBe(true);
  });

  it("gated and granted (alice)", async () => {
    const rs = await check(DEMO_TOKENS.alice, gated);
    expect(statuses(rs)).toEqual(["repo.exists:ok", "repo.gated:ok", "repo.access:ok"]);
    expect(rs[1]?.message).toContain("gated (manual");
  });

  it("gated and not granted (bob): fails with the request-access URL", async () => {
    const rs = await check(DEMO_TOKENS.bob, gated);
    expect(statuses(rs)).toEqual(["repo.exists:ok", "repo.gated:ok", "repo.access:fail"]);
    expect(rs[2]?.remedy).toContain(`${t.hub.url}/meta-llama/Llama-3.2-1B`);
    expect(rs[2]?.data?.requestAccessUrl).toBe(`${t.hub.url}/meta-llama/Llama-3.2-1B`);
    expect(JSON.stringify(rs)).not.toContain(DEMO_TOKENS.bob);
  });

  it("gated without a token: log in first, then request access", async () => {
    const rs = await check(undefined, gated);
    expect(rs.at(-1)).toMatchObject({
      id: "repo.access",
      status: "fail",
      remedy: expect.stringContaining("hf auth login"),
    });
  });

  it("private repo of someone else, or a wrong repo type: not found for this token", async () => {
    const rs = await check(DEMO_TOKENS.bob, { id: "alice/private-notes", type: "model" });
    expect(statuses(rs)).toEqual(["repo.exists:fail"]);
    const own = await check(DEMO_TOKENS.alice, { id: "alice/private-notes", type: "model" });
    expect(own[0]?.message).toContain("(private)");
    const wrongType = await check(undefined, { id: "acme/tiny-dataset", type: "model" });
    expect(wrongType[0]).toMatchObject({ status: "fail", remedy: expect.stringContaining("--repo-type") });
    const ds = await check(undefined, { id: "acme/tiny-dataset", type: "dataset" });
    expect(statuses(ds)).toEqual(["repo.exists:ok", "repo.gated:ok", "repo.access:ok"]);
  });

  it("nothing without a repo, and nothing sent in offline mode", async () => {
    expect(await checkRepoAccess(t.sb.ctx({ HF_ENDPOINT: t.hub.url }))).toEqual([]);
    const rs = await checkRepoAccess(
      t.sb.ctx({ HF_ENDPOINT: t.hub.url, HF_HUB_OFFLINE: "1" }, { repo: gated }),
    );
    expect(rs[0]?.status).toBe("skip");
    expect(t.hub.requests).toEqual([]);
  });
});
