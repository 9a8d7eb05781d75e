/**
 * SST secrets from SSM, against a loopback SSM (AWS_ENDPOINT_URL_SSM): fetched once per name
 * per Lambda instance, and asked again after a failure. Each test loads a fresh module, as a
 * cold start does.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startRecordingServer } from "../../support/recording-server";

const SECRETS: Record<string, string> = {
  "/sst/lifeboat/test/Secret/DIGITALOCEAN_TOKEN/value": "do-token-from-ssm",
  "/sst/lifeboat/test/Secret/SSH_PRIVATE_KEY/value": "ssh-key-from-ssm",
};

let failNext = 0;
let ssm: Awaited<ReturnType<typeof startRecordingServer>>;
/** The parameter names asked for, one list per GetParameters call. */
const asked = () => ssm.requests.map((r) => (JSON.parse(r.body) as { Names: string[] }).Names);

beforeAll(async () => {
  ssm = await startRecordingServer((req) => {
    if (failNext > 0) {
      failNext--;
      return {
        status: 400,
        headers: { "x-amzn-errortype": "AccessDeniedException" },
        body: JSON.stringify({ __type: "AccessDeniedException", message: "not now" }),
      };
    }
    const { Names } = JSON.parse(req.body) as { Names: string[] };
    return {
      body: JSON.stringify({
        Parameters: Names.filter((n) => SECRETS[n]).map((n) => ({ Name: n, Value: SECRETS[n] })),
        InvalidParameters: Names.filter((n) => !SECRETS[n]),
      }),
    };
  });
});
afterAll(() => ssm.close());

beforeEach(() => {
  ssm.requests.length = 0;
  failNext = 0;
  vi.resetModules();
  vi.stubEnv("AWS_ENDPOINT_URL_SSM", ssm.url);
  vi.stubEnv("AWS_REGION", "us-east-1");
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDTEST");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
  vi.stubEnv("SST_APP", "lifeboat");
  vi.stubEnv("SST_SSM_PREFIX", "/sst/lifeboat/test/");
  for (const name of ["DIGITALOCEAN_TOKEN", "SSH_PRIVATE_KEY", "DUPLICITY_PASSPHRASE"]) {
    vi.stubEnv(name, "");
    vi.stubEnv(`SST_Secret_value_${name}`, "__FETCH_FROM_SSM__");
  }
});
afterEach(() => vi.unstubAllEnvs());

const freshModule = async () => (await import("../../../packages/aws/src/sst-secrets")).loadSecrets;

describe("loadSecrets", () => {
  it("asks SSM once per secret name however often, and however concurrently, it is loaded", async () => {
    const loadSecrets = await freshModule();
    const [first, second] = await Promise.all([
      loadSecrets(["DIGITALOCEAN_TOKEN"]),
      loadSecrets(["DIGITALOCEAN_TOKEN"]),
    ]);
    expect(first).toEqual({ DIGITALOCEAN_TOKEN: "do-token-from-ssm" });
    expect(second).toEqual(first);
    // Every droplet's SSH session asks for the key; a warm invocation asks for the token again.
    for (let i = 0; i < 3; i++) {
      expect(await loadSecrets(["SSH_PRIVATE_KEY", "DIGITALOCEAN_TOKEN"])).toEqual({
        SSH_PRIVATE_KEY: "ssh-key-from-ssm",
        DIGITALOCEAN_TOKEN: "do-token-from-ssm",
      });
    }
    expect(asked()).toEqual([
      ["/sst/lifeboat/test/Secret/DIGITALOCEAN_TOKEN/value"],
      ["/sst/lifeboat/test/Secret/SSH_PRIVATE_KEY/value"],
    ]);
  });

  it("asks again after a failed fetch, instead of keeping the failure", async () => {
    const loadSecrets = await freshModule();
    failNext = 1;
    await expect(loadSecrets(["DIGITALOCEAN_TOKEN"])).rejects.toThrow(/not now/);
    expect(await loadSecrets(["DIGITALOCEAN_TOKEN"])).toEqual({ DIGITALOCEAN_TOKEN: "do-token-from-ssm" });
    expect(await loadSecrets(["DIGITALOCEAN_TOKEN"])).toEqual({ DIGITALOCEAN_TOKEN: "do-token-from-ssm" });
    expect(asked()).toHaveLength(2);
  });

  it("asks again for a secret that was not set, and names the command that sets it", async () => {
    const loadSecrets = await freshModule();
    for (let i = 0; i < 2; i++) {
      await expect(loadSecrets(["DUPLICITY_PASSPHRASE"])).rejects.toThrow(
        "secret DUPLICITY_PASSPHRASE is not set: npx sst secrets set DUPLICITY_PASSPHRASE",
      );
    }
    // The stage's parameter, then the app's fallback, each time.
    expect(asked()).toEqual([
      ["/sst/lifeboat/test/Secret/DUPLICITY_PASSPHRASE/value"],
      ["/sst/lifeboat/.fallback/Secret/DUPLICITY_PASSPHRASE/value"],
      ["/sst/lifeboat/test/Secret/DUPLICITY_PASSPHRASE/value"],
      ["/sst/lifeboat/.fallback/Secret/DUPLICITY_PASSPHRASE/value"],
    ]);
  });

  it("takes a secret from the environment without asking SSM", async () => {
    const loadSecrets = await freshModule();
    vi.stubEnv("DIGITALOCEAN_TOKEN", "do-token-from-env");
    expect(await loadSecrets(["DIGITALOCEAN_TOKEN"])).toEqual({ DIGITALOCEAN_TOKEN: "do-token-from-env" });
    expect(asked()).toEqual([]);
  });
});
