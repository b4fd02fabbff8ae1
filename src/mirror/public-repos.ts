/**
 * Repos the upstream answered an anonymous caller for: the only ones the mirror serves from its
 * store to anyone while the upstream is down. Kept in `DIR/.locks/hubkit-mirror/public-repos.json`
 * (written atomically: temp + rename) so that a mirror restarted during an upstream outage still
 * serves them. Replicas may overwrite each other's additions; a lost entry is learned again.
 */
import { promises as fsp, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { shortRandomHex } from "../cache/layout.js";
import type { RepoType } from "../common/repo.js";

export class PublicRepos {
  private readonly keys = new Set<string>();
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, ".locks", "hubkit-mirror", "public-repos.json");
    try {
      for (const k of JSON.parse(readFileSync(this.file, "utf8")) as string[])
        if (typeof k === "string") this.keys.add(k);
    } catch {
      // none yet, or unreadable: learned again
    }
  }

  has(type: RepoType, repo: string): boolean {
    return this.keys.has(`${type}/${repo}`);
  }

  async add(type: RepoType, repo: string): Promise<void> {
    const key = `${type}/${repo}`;
    if (this.keys.has(key)) return;
    this.keys.add(key);
    await fsp.mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${shortRandomHex()}.tmp`;
    await fsp.writeFile(tmp, JSON.stringify([...this.keys]));
    await fsp.rename(tmp, this.file);
  }
}
