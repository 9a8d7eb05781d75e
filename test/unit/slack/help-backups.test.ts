/** The help says what #16 §1 added: DO backups in list and restore, DO Backups in cost, `keep`. */
import { describe, expect, it } from "vitest";
import { USAGE } from "../../../packages/slack/src/commands/parse";
import { lifeboat } from "../cli/cli-process";

describe("help mentions DigitalOcean's backups", () => {
  it("/lifeboat help: list and restore show DO backups, cost counts DO Backups", () => {
    expect(USAGE.list).toContain("DO backups");
    expect(USAGE.restore).toContain("DO backups");
    expect(USAGE.cost).toContain("DO Backups");
  });

  it("lifeboat --help: list, cost, restore (and its backup command) and keep", () => {
    const help = (...args: string[]) => {
      const r = lifeboat([...args, "--help"]);
      expect(r.code, args.join(" ")).toBe(0);
      return r.stdout.replace(/\s+/g, " ");
    };
    expect(help("list")).toContain("and DigitalOcean's backups, per droplet");
    expect(help("cost")).toContain("and the droplets' DigitalOcean Backups");
    const restore = help("restore");
    expect(restore).toContain("a DigitalOcean backup to a new droplet");
    // Already there before: `restore backup` and `keep`.
    expect(restore).toContain("backup [options] <backup> a new droplet from a DigitalOcean backup");
    expect(help()).toContain("keep [options] <backup> turn a DigitalOcean backup into a snapshot");
  });
});
