import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkTokenLeaks, findTokenLeaks } from "../../src/doctor/token-leaks.js";
import { type Sandbox, sandbox } from "./helpers.js";

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
});
afterEach(() => sb.cleanup());

const T1 = "hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567";
const T2 = "hf_oauth_ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543";

describe("findTokenLeaks", () => {
  it("finds tokens in tracked files only, as file:line with the token masked", async () => {
    sb.git(["init", "-q"]);
    await sb.write("train.py", `import os\n\nTOKEN = "${T1}"\n`);
    await sb.write("sub/notes.md", `first\n${T2} and hf_short\n`);
    await sb.write("untracked.txt", `${T1}\n`);
    await sb.write("ok.py", "hf_hub_download\nhf_too_short_123\n");
    sb.git(["add", "train.py", "sub/notes.md", "ok.py"]);
    const leaks = await findTokenLeaks(sb.work, sb.env);
    expect(leaks).toEqual([
      { file: "sub/notes.md", line: 2, masked: "hf_****6543" },
      { file: "train.py", line: 3, masked: "hf_****4567" },
    ]);
  });

  it("undefined outside a git work tree; [] in a clean repo", async () => {
    expect(await findTokenLeaks(sb.work, sb.env)).toBeUndefined();
    sb.git(["init", "-q"]);
    expect(await findTokenLeaks(sb.work, sb.env)).toEqual([]);
  });
});

describe("checkTokenLeaks", () => {
  it("fails with each leak listed and the remedy; never the raw token", async () => {
    sb.git(["init", "-q"]);
    await sb.write("cfg.json", `{"token": "${T1}"}\n`);
    sb.git(["add", "cfg.json"]);
    const r = await checkTokenLeaks(sb.ctx());
    expect(r).toMatchObject({ id: "git.token-leaks", status: "fail", details: ["cfg.json:1  hf_****4567"] });
    expect(r.remedy).toContain("settings/tokens");
    expect(JSON.stringify(r)).not.toContain(T1);
  });

  it("skips outside git and is ok in a clean repo", async () => {
    expect((await checkTokenLeaks(sb.ctx())).status).toBe("skip");
    sb.git(["init", "-q"]);
    await sb.write("a.txt", "nothing\n");
    sb.git(["add", "a.txt"]);
    expect((await checkTokenLeaks(sb.ctx())).status).toBe("ok");
  });
});
