/**
 * The CLI's contract with scripts and people: exit codes defined once and documented, exactly
 * one JSON object on stdout with --json whatever happens, `--droplet` that never swallows the
 * plan, true words about SSH, and a config file that may live anywhere and cannot hang or
 * crash the CLI. Every case runs the real launcher.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lifeboat, root, sandboxEnv } from "./cli-process";
import { sampleConfig, tempConfig } from "./temp-config";

const fast = ["--speed", "2000"];

/** Exactly one JSON object on stdout, and nothing else there. */
function oneJson(stdout: string): Record<string, unknown> {
  const lines = stdout.split("\n").filter((l) => l.trim() !== "");
  expect(lines, stdout).toHaveLength(1);
  const value = JSON.parse(lines[0] as string);
  expect(typeof value).toBe("object");
  return value;
}

describe("--json: one JSON object on stdout for every outcome", () => {
  const cases: Array<[string, string[], number]> = [
    ["an unknown command", ["frobnicate"], 2],
    ["no command", [], 2],
    ["an unknown flag", ["run", "weekly", "--yess"], 2],
    ["a missing argument", ["run"], 2],
    ["too many arguments", ["run", "weekly", "nightly"], 2],
    ["a bad global flag value", ["--speed", "fast", "plan"], 2],
    ["an unknown plan", ["run", "monthly"], 2],
    ["a missing config", ["-c", "/nonexistent/lifeboat.config.ts", "plan"], 2],
    ["an unknown droplet", ["list", "web-9"], 2],
    ["a bad --simulate", ["retention", "weekly", "--simulate", "6q"], 2],
    ["a missing archive run", ["restore", "volume", "gitlab", "weekly-20260101T000000Z", "data"], 2],
    ["help", ["run", "--help"], 0],
    ["plan", ["plan"], 0],
    ["cost", ["cost"], 0],
    ["a run that backs up", [...fast, "run", "weekly", "--droplet", "ssh", "--yes"], 0],
    ["a run where every droplet is skipped", [...fast, "run", "weekly", "--droplet", "ssh"], 3],
  ];
  it.each(cases)("%s", (_what, args, code) => {
    const r = lifeboat(["--json", ...args]);
    expect(r.code, r.stderr).toBe(code);
    const out = oneJson(r.stdout);
    expect(out.ok).toBe(code === 0);
    if (code !== 0) {
      expect(out.exitCode).toBe(code);
      expect(out.error ?? out.outcome).toEqual(expect.any(String));
    }
  });

  it("an error the command did not expect is one JSON object too, and exit 1", () => {
    // An API that refuses every connection: the client gives up after its retries.
    const r = lifeboat(
      ["--json", "cost"],
      sandboxEnv({ DIGITALOCEAN_TOKEN: "dop_v1_test", DIGITALOCEAN_ENDPOINT: "http://127.0.0.1:9/v2" }),
    );
    expect(r.code, r.stderr).toBe(1);
    expect(oneJson(r.stdout)).toMatchObject({ ok: false, exitCode: 1, error: expect.stringContaining("ECONNREFUSED") });
  }, 60_000);
});

describe("exit codes", () => {
  const table = [
    [0, "succeeded"],
    [1, "failed"],
    [2, "bad input"],
    [3, "incomplete"],
    [3, "skipped"],
    [130, "interrupted"],
  ] as const;

  it("are listed in --help and in README.md", () => {
    const help = lifeboat(["--help"]).stdout;
    const readme = readFileSync(`${root}/README.md`, "utf8");
    expect(help).toContain("Exit codes (every command):");
    for (const [code, word] of table) {
      expect(help).toMatch(new RegExp(`^  ${code}\\s+.*${word}`, "m"));
      expect(readme).toMatch(new RegExp(`^\\| ${code}\\s+\\|.*${word}`, "m"));
    }
  });

  it("a run that backed nothing up exits 3; its result line, run.finished and JSON say the same word", () => {
    const text = lifeboat([...fast, "run", "weekly", "--droplet", "ssh"]);
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(/run finished: skipped in/);
    expect(text.stdout).toMatch(/\(plan weekly\): skipped,/);

    const partly = lifeboat(["--json", ...fast, "run", "weekly", "--droplet", "ssh,gitlab"]);
    const out = oneJson(partly.stdout) as { outcome: string; events: Array<{ type: string; outcome?: string }> };
    expect(partly.code).toBe(3);
    expect(out.outcome).toBe("skipped");
    expect(out.events.at(-1)).toMatchObject({ type: "run.finished", outcome: "skipped" });
  });
});

describe("run --droplet", () => {
  it("does not swallow the plan name after it, and takes names repeated or comma-separated", () => {
    for (const args of [
      ["run", "--droplet", "ssh", "weekly", "--yes"],
      ["run", "-d", "ssh", "-d", "drone", "weekly", "--yes"],
      ["run", "weekly", "--droplet", "ssh,drone", "--yes"],
    ]) {
      const r = lifeboat(["--json", ...fast, ...args]);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      const out = oneJson(r.stdout) as { plan: string; droplets: Array<{ droplet: string }> };
      expect(out.plan).toBe("weekly");
      const expected = args.includes("drone") || args.includes("ssh,drone") ? ["drone", "ssh"] : ["ssh"];
      expect(out.droplets.map((d) => d.droplet).sort()).toEqual(expected);
    }
    expect(lifeboat(["run", "--help"]).stdout).toMatch(/repeat it or separate\s+names with commas/);
  });
});

describe("messages about SSH say the true reason", () => {
  it("a sandbox droplet with a pinned host key but no address: skipped because its IP is made up", () => {
    const r = lifeboat(["--json", ...fast, "run", "weekly", "--droplet", "gitlab,ssh", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    const out = oneJson(r.stdout) as { droplets: Array<{ droplet: string; detail: string }> };
    const detail = (name: string) => out.droplets.find((d) => d.droplet === name)?.detail ?? "";
    expect(detail("gitlab")).toContain('set ssh.droplets["gitlab"].address to reach it over SSH');
    expect(detail("gitlab")).not.toContain('has no ssh.droplets["gitlab"]');
    expect(detail("ssh")).toContain('has no ssh.droplets["ssh"] entry');
    expect(r.stdout + r.stderr).not.toMatch(/sandbox droplets have no SSH|has no SSH host yet/);
  });

  it('a droplet whose phases do run (transport: "local"): nothing says SSH was skipped', () => {
    const path = tempConfig(
      sampleConfig(
        `[{ name: "here", schedule: "rate(1 day)", droplets: [{ name: "ssh" }], snapshot: { mode: "none" },
            hooks: { pre: [{ command: "true", timeout: "1m" }] } }]`,
        `{ droplets: { ssh: { transport: "local" } } }`,
      ),
    );
    const r = lifeboat(["--json", "-c", path, ...fast, "run", "here"]);
    const out = oneJson(r.stdout) as { droplets: Array<{ phases: Record<string, string>; detail: string }> };
    expect(out.droplets[0]?.phases["pre hooks"]).toBe("done");
    expect(out.droplets[0]?.phases.inventory).not.toBe("skipped");
    expect(r.stdout + r.stderr).not.toMatch(/no SSH|SSH phases skipped|skipped — /);
  });
});

describe("the config file", () => {
  it("may live anywhere: @lifeboat/core comes from the CLI's own install", () => {
    const path = tempConfig(readFileSync(`${root}/lifeboat.config.ts`, "utf8"));
    const r = lifeboat(["plan", "-c", path]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${path}: 2 plan(s), valid`);
  });

  it("that throws while evaluated or validated: exit 2 naming the file", () => {
    const thrown = tempConfig('throw new Error("no config today");\nexport default {};\n');
    const getter = tempConfig('export default { get plans() { throw new Error("no plans today"); } };\n');
    for (const [path, why] of [
      [thrown, "no config today"],
      [getter, "no plans today"],
    ] as const) {
      const r = lifeboat(["plan", "-c", path]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${path} has 1 problem`);
      expect(r.stderr).toContain(why);
    }
  });

  it("whose top-level await never settles: exit 2 naming the file, within a bounded time", () => {
    const path = tempConfig("await new Promise(() => {});\nexport default {};\n");
    const started = Date.now();
    const r = lifeboat(["--json", "plan", "-c", path]);
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(r.code, r.stderr).toBe(2);
    expect(oneJson(r.stdout)).toMatchObject({
      ok: false,
      config: path,
      problems: [{ path: "(file)", message: expect.stringContaining("did not finish loading within 10 s") }],
    });
  }, 40_000);
});
