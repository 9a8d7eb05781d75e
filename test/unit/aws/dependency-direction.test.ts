/**
 * Dependencies point inward: the Slack app states its AWS needs as ports and never imports the
 * AWS SDK or @lifeboat/aws; @lifeboat/aws may import core, and no other lifeboat package.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");

/** Every module a package's sources import, with the file that imports it. */
function importsOf(pkg: string): { file: string; module: string }[] {
  const src = join(root, "packages", pkg, "src");
  const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
  return files.flatMap((file) =>
    [...readFileSync(join(src, file), "utf8").matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => ({
      file: `packages/${pkg}/src/${file}`,
      module: m[1] as string,
    })),
  );
}

const dependenciesOf = (pkg: string): string[] =>
  Object.keys(
    (
      JSON.parse(readFileSync(join(root, "packages", pkg, "package.json"), "utf8")) as {
        dependencies?: Record<string, string>;
      }
    ).dependencies ?? {},
  );

describe("dependency direction", () => {
  it("packages/slack imports neither the AWS SDK nor @lifeboat/aws", () => {
    const outward = importsOf("slack").filter(
      ({ module }) => module.startsWith("@aws-sdk/") || module === "@lifeboat/aws",
    );
    expect(outward).toEqual([]);
    expect(dependenciesOf("slack").filter((d) => d.startsWith("@aws-sdk/") || d === "@lifeboat/aws")).toEqual([]);
  });

  it("packages/aws imports no lifeboat package but core", () => {
    const lifeboat = importsOf("aws").filter(
      ({ module }) => module.startsWith("@lifeboat/") && module !== "@lifeboat/core",
    );
    expect(lifeboat).toEqual([]);
    expect(dependenciesOf("aws").filter((d) => d.startsWith("@lifeboat/") && d !== "@lifeboat/core")).toEqual([]);
  });
});
