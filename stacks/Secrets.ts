import { Config, type StackContext } from "sst/constructs";

/**
 * Secrets live in SSM through SST (`npx sst secrets set NAME value --stage prod`), never in
 * lifeboat.config.ts, the environment of a deployed function, logs or events.
 */
export function Secrets({ stack }: StackContext) {
  return {
    digitaloceanToken: new Config.Secret(stack, "DIGITALOCEAN_TOKEN"),
    slackSigningSecret: new Config.Secret(stack, "SLACK_SIGNING_SECRET"),
    slackBotToken: new Config.Secret(stack, "SLACK_BOT_TOKEN"),
    sshPrivateKey: new Config.Secret(stack, "SSH_PRIVATE_KEY"),
    /** Only needed by plans whose duplicity encryption is `{ type: "passphrase" }`. */
    duplicityPassphrase: new Config.Secret(stack, "DUPLICITY_PASSPHRASE"),
    /** Only needed by plans whose duplicity encryption is `{ type: "gpg" }`: the armored public key (not secret, kept with them). */
    duplicityGpgPublicKey: new Config.Secret(stack, "DUPLICITY_GPG_PUBLIC_KEY"),
  };
}
