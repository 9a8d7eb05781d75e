/**
 * The SlackBackend the deployed Slack function uses. Its data comes from the DigitalOcean
 * client, the archive catalog and the retention policy, which are built in parallel; until
 * they land every method says so plainly (the user sees it as the command's answer), and
 * nothing pretends to have data.
 */
import type { SlackBackend } from "@lifeboat/slack";

const notYet = (what: string) => () =>
  Promise.reject(
    new Error(`${what} is not wired into the Slack function yet (needs @lifeboat/digitalocean and @lifeboat/storage)`),
  );

export function deployedBackend(): SlackBackend {
  return {
    status: notYet("run status"),
    findDroplet: notYet("droplet lookup"),
    listBackups: notYet("listing backups"),
    previewRetention: notYet("retention preview"),
    applyRetention: notYet("applying retention"),
    costFigures: notYet("cost figures"),
    restoreOptions: notYet("restore listing"),
    startRestore: notYet("starting a restore"),
  };
}
