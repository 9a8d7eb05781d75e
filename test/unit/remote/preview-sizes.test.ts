/** Sizes in a dry run's preview: Docker's human sizes read back, and bytes written for people. */
import { bytesText } from "@lifeboat/core";
import { dockerSize } from "@lifeboat/remote";
import { describe, expect, it } from "vitest";

describe("sizes in a dry run", () => {
  it("reads Docker's decimal human sizes, and nothing else", () => {
    expect(dockerSize("0B")).toBe(0);
    expect(dockerSize("123.5kB")).toBe(123_500);
    expect(dockerSize("1.98MB")).toBe(1_980_000);
    expect(dockerSize("2.4GB")).toBe(2_400_000_000);
    expect(dockerSize("N/A")).toBeUndefined();
    expect(dockerSize("12 parsecs")).toBeUndefined();
  });

  it("writes bytes as people read them, and says when a size is unknown", () => {
    expect(bytesText(undefined)).toBe("size unknown");
    expect(bytesText(999)).toBe("999 B");
    expect(bytesText(310_000_000)).toBe("310 MB");
    expect(bytesText(2_400_000_000)).toBe("2.4 GB");
  });
});
