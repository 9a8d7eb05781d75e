import { absolutePath, containerName, imageRef, selectNames, UnsafeNameError, volumeName } from "@lifeboat/remote";
import { describe, expect, it } from "vitest";

describe("Docker name rules", () => {
  it("accepts Docker's container and volume names, dropping inspect's leading slash", () => {
    expect(containerName("/gitlab")).toBe("gitlab");
    expect(containerName("drone_runner.1-a")).toBe("drone_runner.1-a");
    expect(volumeName("gitlab-data")).toBe("gitlab-data");
  });

  it.each(["", "a", "-rm", ".hidden", "a b", "a/b", "a$b", "ä1"])("refuses %j with what was expected", (name) => {
    expect(() => volumeName(name)).toThrow(UnsafeNameError);
    expect(() => volumeName(name)).toThrow(/expected a letter or digit.*nothing was run/);
  });

  it("accepts image references and ids, and refuses anything else", () => {
    for (const ok of [
      "busybox",
      "busybox:1.36",
      "gitlab/gitlab-ce:16.11.0-ce.0",
      "registry.example.com:5000/team/app@sha256:" + "a".repeat(64),
      "sha256:" + "b".repeat(64),
    ]) {
      expect(imageRef(ok)).toBe(ok);
    }
    for (const bad of ["Busybox", "-v", "a b", "x:$(id)", "x@sha256:zz"]) expect(() => imageRef(bad)).toThrow(/image/);
  });

  it("accepts absolute paths only, without ..", () => {
    expect(absolutePath("/srv/data dir")).toBe("/srv/data dir");
    for (const bad of ["srv", "-rf", "/srv/../etc"]) expect(() => absolutePath(bad)).toThrow(UnsafeNameError);
  });

  it("selects names by include and exclude globs", () => {
    expect(selectNames(["web", "web-2", "db", "cache"], { include: ["web*", "db"], exclude: ["web-?"] })).toEqual([
      "web",
      "db",
    ]);
  });
});
