import { chmod, copyFile, mkdir, symlink, writeFile } from "node:fs/promises";
import http from "node:http";
import { join } from "node:path";
import { run, startDaemon, stopPid, waitUntil } from "./process";

export interface DockerService {
  /** `unix://…` address for DOCKER_HOST. */
  host: string;
  socket: string;
  /** A small image built from busybox-static (no registry is reachable here). */
  baseImage: string;
  pid: number;
}

export const BASE_IMAGE = "lifeboat-test/busybox:latest";

/** A real Docker engine with its own data-root, no iptables and no bridge. */
export async function startDockerd(dir: string, dockerd: string, busybox: string): Promise<DockerService> {
  const socket = join(dir, "docker.sock");
  const config = join(dir, "daemon.json");
  await writeFile(
    config,
    JSON.stringify({
      "data-root": join(dir, "data"),
      "exec-root": join(dir, "exec"),
      pidfile: join(dir, "dockerd.pid"),
      hosts: [`unix://${socket}`],
      "storage-driver": "overlay2",
      iptables: false,
      ip6tables: false,
      bridge: "none",
      "shutdown-timeout": 3,
    }),
  );
  const child = await startDaemon(dockerd, ["--config-file", config], join(dir, "dockerd.log"));
  await waitUntil("dockerd", () => ping(socket), 30_000);
  const service = { host: `unix://${socket}`, socket, baseImage: BASE_IMAGE, pid: child.pid ?? 0 };
  await importBusyboxImage(dir, busybox, service.host);
  return service;
}

export const stopDockerd = (service: DockerService) => stopPid(service.pid, 20_000);

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath: socket, path: "/_ping" }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
  });
}

/** A rootfs of /bin/busybox, its applet links and a minimal passwd/group, `docker import`ed. */
async function importBusyboxImage(dir: string, busybox: string, dockerHost: string): Promise<void> {
  const rootfs = join(dir, "rootfs");
  for (const sub of ["bin", "etc", "tmp", "data", "root"]) await mkdir(join(rootfs, sub), { recursive: true });
  await chmod(join(rootfs, "tmp"), 0o1777);
  await copyFile(busybox, join(rootfs, "bin", "busybox"));
  await chmod(join(rootfs, "bin", "busybox"), 0o755);
  const applets = (await run(busybox, ["--list"])).split("\n").filter((a) => a && a !== "busybox");
  for (const applet of applets) await symlink("busybox", join(rootfs, "bin", applet));
  await writeFile(
    join(rootfs, "etc", "passwd"),
    "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n",
  );
  await writeFile(join(rootfs, "etc", "group"), "root:x:0:\nnogroup:x:65534:\n");
  const tarball = join(dir, "rootfs.tar");
  await run("tar", ["-C", rootfs, "-cf", tarball, "."]);
  const env = { ...process.env, DOCKER_HOST: dockerHost };
  await run("docker", ["import", "--change", 'CMD ["/bin/sh"]', "--change", "ENV PATH=/bin", tarball, BASE_IMAGE], {
    env,
  });
}
