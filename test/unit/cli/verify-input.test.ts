import { describe, expect, it } from "vitest";
import { BadInput } from "../../../packages/cli/src/commands/context";
import { readDataFraction } from "../../../packages/cli/src/commands/verify";

describe("lifeboat verify --read-data", () => {
  it("absent reads nothing, bare reads everything, a fraction reads that share", () => {
    expect(readDataFraction(undefined)).toBe(0);
    expect(readDataFraction(true)).toBe(1);
    expect(readDataFraction("0.1")).toBe(0.1);
    expect(readDataFraction("0")).toBe(0);
  });

  it("anything else is bad input naming the flag and what it takes", () => {
    for (const bad of ["1.5", "-0.1", "x", ""]) {
      expect(() => readDataFraction(bad)).toThrow(BadInput);
      expect(() => readDataFraction(bad)).toThrow(
        `--read-data=${bad}: expected a fraction from 0 to 1, e.g. --read-data=0.1 for a tenth`,
      );
    }
  });
});
