/**
 * `/lifeboat` text → a command, or a problem naming what is wrong and the right usage.
 * Only the shape is checked here; whether a plan or droplet exists is checked later.
 */

export type Command =
  | { name: "help" }
  | { name: "status"; plan?: string }
  | { name: "run"; plan: string; droplet?: string; dryRun: boolean }
  | { name: "snapshot"; droplet: string }
  | { name: "list"; droplet: string }
  | { name: "retention"; plan: string; dryRun: boolean }
  | { name: "pause"; plan: string }
  | { name: "resume"; plan: string }
  | { name: "cost" }
  | { name: "restore"; droplet: string }
  | { name: "drill"; droplet: string; plan?: string }
  | { name: "verify"; target?: string; readData: number };

export type CommandName = Command["name"];

/** One line per subcommand: the usage shown in help and in every error. */
export const USAGE: Record<CommandName, string> = {
  help: "`/lifeboat help` — this list",
  status: "`/lifeboat status [plan]` — runs in progress and the last result per plan",
  run: "`/lifeboat run <plan> [droplet] [--dry-run]` — start a run of a plan now (one droplet of it, if named); `--dry-run` changes nothing and reports what a run would do",
  snapshot: "`/lifeboat snapshot <droplet>` — a one-off run of that droplet's plan",
  list: "`/lifeboat list <droplet>` — snapshots and archive runs, with sizes and ages, and the droplet's DO backups",
  retention:
    "`/lifeboat retention <plan> [--dry-run]` — what the policy keeps and deletes (applies it without --dry-run)",
  pause: "`/lifeboat pause <plan>` — stop the plan's schedule",
  resume: "`/lifeboat resume <plan>` — start the plan's schedule again",
  cost: "`/lifeboat cost` — storage cost per plan and in total, per month, with the droplets' DO Backups",
  restore:
    "`/lifeboat restore <droplet>` — what can be restored onto a droplet (snapshots, archives, DO backups); a restore starts after a confirmation",
  drill:
    "`/lifeboat drill <droplet> [plan]` — boot a scratch droplet from its latest snapshot, check it and destroy it (approvers only); name the plan when the droplet is in several",
  verify:
    "`/lifeboat verify [plan|droplet] [--read-data[=FRACTION]]` — check the stored backups are whole (manifests, sizes, duplicity chain, latest snapshot); `--read-data` also reads back that share of the archives (bare: all)",
};

export type Parsed = { ok: true; command: Command } | { ok: false; problem: string; usage: string };

const fail = (problem: string, name?: CommandName): Parsed => ({
  ok: false,
  problem,
  usage: name ? USAGE[name] : Object.values(USAGE).join("\n"),
});

/**
 * @example parseCommand("retention weekly --dry-run") // { ok: true, command: { name: "retention", plan: "weekly", dryRun: true } }
 * @example parseCommand("reboot web-1") // { ok: false, problem: 'unknown subcommand "reboot"', usage: … }
 */
export function parseCommand(text: string): Parsed {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [name = "help", ...args] = words;
  const flags = args.filter((a) => a.startsWith("--"));
  const positional = args.filter((a) => !a.startsWith("--"));
  if (!(name in USAGE)) return fail(`unknown subcommand "${name}"`);
  const sub = name as CommandName;
  const allowedFlags = sub === "retention" || sub === "run" ? ["--dry-run"] : [];
  const isReadData = (f: string) => sub === "verify" && /^--read-data(=|$)/.test(f);
  const badFlag = flags.find((f) => !allowedFlags.includes(f) && !isReadData(f));
  if (badFlag) return fail(`\`${sub}\` has no option ${badFlag}`, sub);

  const arity: Record<CommandName, [min: number, max: number, what: string]> = {
    help: [0, 0, ""],
    status: [0, 1, "plan"],
    run: [1, 2, "plan"],
    snapshot: [1, 1, "droplet"],
    list: [1, 1, "droplet"],
    retention: [1, 1, "plan"],
    pause: [1, 1, "plan"],
    resume: [1, 1, "plan"],
    cost: [0, 0, ""],
    restore: [1, 1, "droplet"],
    drill: [1, 2, "droplet"],
    verify: [0, 1, "plan or droplet"],
  };
  const [min, max, what] = arity[sub];
  if (positional.length < min) return fail(`\`${sub}\` needs a ${what} name`, sub);
  if (positional.length > max)
    return fail(`\`${sub}\` takes at most ${max} name${max === 1 ? "" : "s"}, got: ${positional.join(" ")}`, sub);

  const [first, second] = positional as [string, string | undefined];
  switch (sub) {
    case "help":
    case "cost":
      return { ok: true, command: { name: sub } };
    case "status":
      return { ok: true, command: positional.length ? { name: "status", plan: first } : { name: "status" } };
    case "run": {
      const dryRun = flags.includes("--dry-run");
      return {
        ok: true,
        command: second ? { name: "run", plan: first, droplet: second, dryRun } : { name: "run", plan: first, dryRun },
      };
    }
    case "retention":
      return { ok: true, command: { name: "retention", plan: first, dryRun: flags.includes("--dry-run") } };
    case "pause":
    case "resume":
      return { ok: true, command: { name: sub, plan: first } };
    case "snapshot":
    case "list":
    case "restore":
      return { ok: true, command: { name: sub, droplet: first } };
    case "drill":
      return {
        ok: true,
        command: second ? { name: "drill", droplet: first, plan: second } : { name: "drill", droplet: first },
      };
    case "verify": {
      const readData = readDataOf(flags.find(isReadData));
      if (readData === undefined) return fail("`--read-data=FRACTION` takes a fraction from 0 to 1, e.g. 0.1", sub);
      return {
        ok: true,
        command: positional.length ? { name: sub, target: first, readData } : { name: sub, readData },
      };
    }
  }
}

/** `--read-data` → its fraction (bare: 1; absent: 0), undefined when it is not one. */
function readDataOf(flag: string | undefined): number | undefined {
  if (flag === undefined) return 0;
  const value = flag.slice("--read-data".length);
  if (value === "") return 1;
  const n = Number(value.slice(1));
  return value.length > 1 && Number.isFinite(n) && n >= 0 && n <= 1 ? n : undefined;
}

/** The help message: every subcommand and its usage. */
export function helpText(): string {
  return `*lifeboat* — backups of DigitalOcean droplets\n${Object.values(USAGE).join("\n")}`;
}
