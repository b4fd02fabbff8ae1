import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { HfConfigError } from "../../src/errors.js";
import { generator } from "../../src/server/blob-store.js";
import { createHubServer, validateFixture } from "../../src/server/index.js";
import { get } from "../helpers/hub.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hubkit-fixture-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const HUB = {
  users: [
    {
      name: "carol",
      tokens: [{ name: "c", token: "hf_carolTokenForTests000000000000000000", role: "write" }],
    },
  ],
  repos: [
    {
      id: "carol/data",
      type: "dataset",
      private: true,
      commits: [
        {
          message: "add",
          files: {
            "big.bin": { file: "payload.bin", lfs: true },
            "gen.bin": { generate: { size: 3_000_000, seed: "s" } },
            "b64.bin": { base64: Buffer.from([0, 1, 2, 255]).toString("base64") },
            "old.txt": { content: "old" },
          },
        },
        { message: "remove old", files: { "old.txt": null } },
      ],
      branches: { main: -1, first: 0 },
    },
  ],
};

test("--data DIR: hub.json with {file}, {generate}, {base64}, deletions; blobs stored content-addressed under DIR/blobs", async () => {
  await writeFile(join(dir, "payload.bin"), Buffer.alloc(70_000, 7));
  await writeFile(join(dir, "hub.json"), JSON.stringify(HUB));
  const hub = await createHubServer({ dataDir: dir });
  try {
    const auth = { Authorization: "Bearer hf_carolTokenForTests000000000000000000" };
    const head = await get(`${hub.url}/datasets/carol/data/resolve/main/big.bin`, {
      method: "HEAD",
      headers: auth,
    });
    expect(head.status).toBe(302);
    const sha = createHash("sha256").update(Buffer.alloc(70_000, 7)).digest("hex");
    expect(head.headers.get("x-linked-etag")).toBe(`"${sha}"`);
    const gen = Buffer.from(
      await (
        await get(`${hub.url}/datasets/carol/data/resolve/main/gen.bin`, { headers: auth })
      ).arrayBuffer(),
    );
    const expected = generator("s")(3_000_000);
    expect(gen.equals(expected)).toBe(true);
    const b64 = Buffer.from(
      await (
        await get(`${hub.url}/datasets/carol/data/resolve/main/b64.bin`, { headers: auth })
      ).arrayBuffer(),
    );
    expect([...b64]).toEqual([0, 1, 2, 255]);
    expect((await get(`${hub.url}/datasets/carol/data/resolve/main/old.txt`, { headers: auth })).status).toBe(
      404,
    );
    expect(
      (await get(`${hub.url}/datasets/carol/data/resolve/first/old.txt`, { headers: auth })).status,
    ).toBe(200);
    const blobs = await readdir(join(dir, "blobs"));
    expect(blobs).toContain(sha);
  } finally {
    await hub.close();
  }
});

test("the same fixture always gives the same commit ids and etags", async () => {
  const a = await createHubServer({ demo: true });
  const b = await createHubServer({ demo: true });
  try {
    const sha = async (url: string) =>
      ((await (await get(`${url}/api/models/acme/tiny-model/revision/main`)).json()) as { sha: string }).sha;
    expect(await sha(a.url)).toBe(await sha(b.url));
    expect(a.addRepo({ id: "x/y" }).commits).toEqual(b.addRepo({ id: "x/y" }).commits);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test("generated content is deterministic whatever the chunking", () => {
  const one = generator("seed")(100_000);
  const g = generator("seed");
  const parts = Buffer.concat([g(1), g(65_535), g(34_464)]);
  expect(parts.equals(one)).toBe(true);
  expect(generator("other")(16).equals(one.subarray(0, 16))).toBe(false);
});

test("malformed fixtures name the file and the field", async () => {
  const cases: [unknown, RegExp][] = [
    [[], /\(top level\)/],
    [
      { users: [{ name: "a", tokens: [{ name: "t", token: "x", role: "admin" }] }] },
      /users\[0\]\.tokens\[0\]\.role/,
    ],
    [{ repos: [{ id: "a/b", gated: "yes" }] }, /repos\[0\]\.gated/],
    [
      { repos: [{ id: "a/b", commits: [{ files: { "../x": { content: "" } } }] }] },
      /repos\[0\]\.commits\[0\]\.files\["\.\.\/x"\]/,
    ],
    [{ repos: [{ id: "a/b", commits: [{ files: { x: { content: "a", base64: "" } } }] }] }, /exactly one/],
    [{ repos: [{ id: "a/b", branches: { main: 3 } }] }, /repos\[0\]\.branches\["main"\]/],
    [
      { repos: [{ id: "a/b", gated: "manual", grants: ["ghost"] }] },
      /repos\[0\]\.grants\[0\]: 'ghost' is not one of the users/,
    ],
    [
      { repos: [{ id: "a/b", commits: [{ files: { x: { file: "../../etc/passwd" } } }] }] },
      /inside the data dir/,
    ],
  ];
  for (const [value, field] of cases) {
    expect(() => validateFixture(value, "/d/hub.json")).toThrow(field);
    expect(() => validateFixture(value, "/d/hub.json")).toThrow(/\/d\/hub\.json/);
  }
  await writeFile(join(dir, "hub.json"), "{ not json");
  await expect(createHubServer({ dataDir: dir })).rejects.toBeInstanceOf(HfConfigError);
});

test("a {file} that escapes the data dir through a symlink is refused", async () => {
  const outside = await mkdtemp(join(tmpdir(), "hubkit-outside-"));
  try {
    await writeFile(join(outside, "secret"), "secret");
    await mkdir(join(dir, "sub"));
    await symlink(join(outside, "secret"), join(dir, "sub", "link"));
    await writeFile(
      join(dir, "hub.json"),
      JSON.stringify({ repos: [{ id: "a/b", commits: [{ files: { s: { file: "sub/link" } } }] }] }),
    );
    await expect(createHubServer({ dataDir: dir })).rejects.toThrow(/outside the data dir/);
  } finally {
    await rm(outside, { recursive: true, force: true });
  }
});
