import { createHash } from "node:crypto";
import { promises as fsp } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { gitBlobSha1, sha256Hex } from "../../src/common/hashes.js";

/** A file of a hand-made revision: text (a regular file, git-sha1 etag) or `{ lfs }` (sha256 etag). */
export type FakeFile = string | { lfs: string | Buffer };

export interface FakeRevision {
  commit: string;
  refs?: string[];
  files: Record<string, FakeFile>;
}

export interface FakeRepo {
  id: string;
  type?: "model" | "dataset" | "space";
  revisions: FakeRevision[];
}

/** A 40-hex commit id made from a word, so tests can name commits. */
export function commitOf(word: string): string {
  return createHash("sha1").update(word).digest("hex");
}

export function etagOf(file: FakeFile): string {
  return typeof file === "string" ? gitBlobSha1(Buffer.from(file)) : sha256Hex(Buffer.from(file.lfs));
}

export function contentOf(file: FakeFile): Buffer {
  return typeof file === "string" ? Buffer.from(file) : Buffer.from(file.lfs);
}

/**
 * Writes repos in huggingface_hub's cache layout under `cacheDir`: `blobs/<etag>`, `refs/<name>`
 * (no trailing newline), `snapshots/<commit>/<path>` as relative symlinks. Returns repo folders.
 */
export async function makeCache(cacheDir: string, repos: FakeRepo[]): Promise<Record<string, string>> {
  const folders: Record<string, string> = {};
  for (const repo of repos) {
    const folder = join(cacheDir, [`${repo.type ?? "model"}s`, ...repo.id.split("/")].join("--"));
    folders[repo.id] = folder;
    await fsp.mkdir(join(folder, "blobs"), { recursive: true });
    for (const rev of repo.revisions) {
      await fsp.mkdir(join(folder, "snapshots", rev.commit), { recursive: true });
      for (const ref of rev.refs ?? []) {
        const p = join(folder, "refs", ...ref.split("/"));
        await fsp.mkdir(dirname(p), { recursive: true });
        await fsp.writeFile(p, rev.commit);
      }
      for (const [path, file] of Object.entries(rev.files)) {
        const blob = join(folder, "blobs", etagOf(file));
        await fsp.writeFile(blob, contentOf(file));
        const pointer = join(folder, "snapshots", rev.commit, ...path.split("/"));
        await fsp.mkdir(dirname(pointer), { recursive: true });
        await fsp.symlink(relative(dirname(pointer), blob), pointer);
      }
    }
  }
  return folders;
}

export async function tempDir(prefix = "hubkit-cache-"): Promise<string> {
  return fsp.mkdtemp(join(tmpdir(), prefix));
}

/** The standard test cache: a model with two revisions sharing a blob, a dataset, a space. */
export const MAIN = commitOf("main");
export const OLD = commitOf("old");
export const DS = commitOf("ds");
export const SP = commitOf("sp");

export function standardRepos(): FakeRepo[] {
  return [
    {
      id: "org/model1",
      revisions: [
        {
          commit: MAIN,
          refs: ["main", "refs/pr/1"],
          files: {
            "config.json": '{"a": 1}',
            "model.safetensors": { lfs: Buffer.alloc(3000, 7) },
            "sub/dir/nested.txt": "nested",
          },
        },
        { commit: OLD, files: { "config.json": '{"a": 1}', "old.txt": "old only" } },
      ],
    },
    {
      id: "org/ds1",
      type: "dataset",
      revisions: [{ commit: DS, refs: ["main"], files: { "data.csv": "a,b\n1,2\n" } }],
    },
    {
      id: "user/space1",
      type: "space",
      revisions: [{ commit: SP, refs: ["main"], files: { "app.py": "x" } }],
    },
  ];
}
