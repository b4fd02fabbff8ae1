import { describe, expect, it } from "vitest";
import { renderTable } from "../../src/cli/table.js";

// The CLI's one table renderer (Python's utils/_terminal.py::tabulate + cli/_output.py::_truncate_columns).
describe("renderTable", () => {
  it("pads every cell (trailing spaces kept), one space between columns, a dashes row", () => {
    const t = renderTable(
      [" ", "name", "token"],
      [
        ["*", "alice-read", "hf_****0000"],
        [" ", "bob", "hf_****1111"],
      ],
    );
    expect(t.text).toBe(
      "  name       token      \n- ---------- -----------\n* alice-read hf_****0000\n  bob        hf_****1111",
    );
    expect(t.truncated).toBe(false);
  });

  it("aligns the named columns right", () => {
    expect(
      renderTable(
        ["ID", "SIZE"],
        [
          ["a", "1.2K"],
          ["bb", "10.0M"],
        ],
        { right: ["SIZE"] },
      ).text,
    ).toBe("ID  SIZE\n-- -----\na   1.2K\nbb 10.0M");
  });

  it("with a width, shrinks the widest column (never below its header or 4) and cuts with '...'", () => {
    const rows = [["model/acme/a-very-long-repository-name", "1.2K", "main"]];
    const t = renderTable(["ID", "SIZE", "REFS"], rows, { width: 24 });
    expect(t.truncated).toBe(true);
    expect(t.text.split("\n")[2]).toBe("model/acme/... 1.2K main");
    expect(t.text.split("\n").every((l) => l.length <= 24)).toBe(true);
    expect(renderTable(["ID"], [["abc"]], { width: 80 }).truncated).toBe(false);
    // Already at the floors: left as is (it wraps, as Python's does).
    expect(renderTable(["ID", "SIZE"], [["abcdef", "1.2K"]], { width: 5 }).text.split("\n")[2]).toBe(
      "a... 1.2K",
    );
  });
});
