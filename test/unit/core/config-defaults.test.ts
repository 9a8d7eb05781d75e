import { configSchema, validateConfig } from "@lifeboat/core";
import { describe, expect, it } from "vitest";

/** What the walk needs of a zod schema (core's zod, not the one this test would import). */
interface Schema {
  _zod: { def: unknown };
  safeParse(input: unknown): { success: boolean; data?: unknown };
  parse(input: unknown): unknown;
}
type Def = Record<string, unknown> & { type: string };

const defOf = (schema: Schema) => schema._zod.def as unknown as Def;
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The discriminator key of a discriminated union, under any wrappers (prefault, pipe, …). */
function discriminatorOf(schema: Schema): string | undefined {
  const def = defOf(schema);
  if (def.type === "union") return def.discriminator as string | undefined;
  const inner = (def.innerType ?? def.in) as Schema | undefined;
  return inner ? discriminatorOf(inner) : undefined;
}

/**
 * Every field, at any depth, given an object when left out: the config's sections
 * (`plans[].snapshot`, `plans[].snapshot.approval`, `ssh`, …), found by walking the schema.
 */
function sections(
  schema: Schema,
  path: string,
  into: Array<{ path: string; field: Schema }>,
  seen = new Set<Schema>(),
) {
  if (seen.has(schema)) return into;
  seen.add(schema);
  const def = defOf(schema);
  const visit = (s: unknown, p = path) => s && sections(s as Schema, p, into, seen);
  switch (def.type) {
    case "object":
      for (const [key, field] of Object.entries(def.shape as Record<string, Schema>)) {
        const at = path ? `${path}.${key}` : key;
        const { type, defaultValue } = defOf(field);
        if ((type === "prefault" || type === "default") && isPlainObject(defaultValue)) into.push({ path: at, field });
        visit(field, at);
      }
      break;
    case "array":
      visit(def.element, `${path}[]`);
      break;
    case "union":
      for (const option of def.options as Schema[]) visit(option);
      break;
    case "record":
      visit(def.valueType, `${path}.<name>`);
      break;
    case "pipe":
      visit(def.in);
      break;
    default:
      visit(def.innerType);
  }
  return into;
}

const found = sections(configSchema as unknown as Schema, "", []);

describe("config defaults are stated once", () => {
  it("finds the config's sections by walking the schema", () => {
    expect(found.map((s) => s.path)).toEqual(
      expect.arrayContaining([
        "plans[].snapshot",
        "plans[].snapshot.approval",
        "plans[].retention",
        "plans[].containers",
        "plans[].volumes",
        "plans[].hooks",
        "ssh",
        "storage",
      ]),
    );
  });

  // A union (storage) has no `{}`: written with only its kind, it is what leaving it out gives.
  it.each(found.map((s) => [s.path, s.field] as const))("%s left out parses as if written {}", (_path, field) => {
    const leftOut = field.parse(undefined) as Record<string, unknown>;
    const key = discriminatorOf(field);
    const empty = key === undefined ? {} : { [key]: leftOut[key] };
    expect(field.parse(empty)).toEqual(leftOut);
  });

  const plan = { name: "nightly", schedule: "rate(1 day)", droplets: [{ name: "web-1" }], snapshot: { mode: "none" } };

  it("a containers section that sets only exclude still captures no images, as leaving it out does", () => {
    const leftOut = validateConfig({ plans: [plan] }).plans[0]?.containers;
    const excluding = validateConfig({ plans: [{ ...plan, containers: { exclude: ["ssh"] } }] }).plans[0]?.containers;
    expect(leftOut?.capture).toBe("none");
    expect(excluding).toEqual({ ...leftOut, exclude: ["ssh"] });
  });

  it("a retention section that sets no keep* count keeps the last 7, as leaving it out does", () => {
    const leftOut = validateConfig({ plans: [plan] }).plans[0]?.retention;
    expect(leftOut).toEqual({ keepLast: 7, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0 });
    expect(validateConfig({ plans: [{ ...plan, retention: {} }] }).plans[0]?.retention).toEqual(leftOut);
  });
});
