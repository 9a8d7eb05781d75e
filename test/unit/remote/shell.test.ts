import { spawnSync } from "node:child_process";
import { quote, sh } from "@lifeboat/remote";
import { describe, expect, it } from "vitest";
import { withSecrets } from "../../../packages/remote/src/shell";

const shell = (text: string, input?: string) => spawnSync("/bin/sh", ["-c", text], { encoding: "utf8", input });

describe("sh: commands are built, never pasted", () => {
  it.each(["plain", "two words", "it's", "$(id)", "`id`", "a;b|c&d", "new\nline", '"double"', "-rf", "ünïcødé 🚢", ""])(
    "a value reaches the program as one argument, exactly: %j",
    (value) => {
      expect(shell(sh`printf %s ${value}`.text).stdout).toBe(value);
    },
  );

  it("inserts arrays as several quoted words, and nested commands as they are", () => {
    const inner = sh`echo ${"a b"}`;
    expect(sh`x ${["1", "2 3"]} && ${inner}`.text).toBe("x 1 '2 3' && echo 'a b'");
  });

  it("keeps plain words readable and refuses NUL", () => {
    expect(quote("sha256:abc/def-1.2")).toBe("sha256:abc/def-1.2");
    expect(() => quote("a\0b")).toThrow(/NUL/);
  });
});

describe("withSecrets: secrets go through stdin", () => {
  it("exports each secret from stdin; none appears in the command text", () => {
    const secrets = { AWS_SECRET_ACCESS_KEY: "s3cr3t $(touch /tmp/x) 'q'", PASSPHRASE: "" };
    const { command, stdin } = withSecrets(secrets, sh`printf '%s|%s' "$AWS_SECRET_ACCESS_KEY" "$PASSPHRASE"`);
    expect(command.text).not.toContain("s3cr3t");
    expect(shell(command.text, stdin).stdout).toBe("s3cr3t $(touch /tmp/x) 'q'|");
  });

  it("refuses values with a line break and names that are not variable names", () => {
    expect(() => withSecrets({ A: "x\ny" }, sh`true`)).toThrow(/line break/);
    expect(() => withSecrets({ "A;B": "x" }, sh`true`)).toThrow(/not an environment variable name/);
  });
});
