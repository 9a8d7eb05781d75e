/**
 * The command that writes one volume as a tar to stdout, on the droplet.
 *
 * A throw-away container (`docker run --rm --log-driver none --network none -v VOL:/data:ro`)
 * makes the tar, as before, but writes it into a FIFO in a private temporary directory that
 * `cat` relays to stdout. Reading `docker run`'s own stdout instead sends every byte through
 * containerd-shim, dockerd and the docker CLI: measured on 1 GB (bench/stream), that path
 * costs the droplet about twice the CPU and takes twice as long.
 *
 * What keeps it sure:
 *  - The shell opens the FIFO itself before the container starts: read-write on fd 3 (so the
 *    read-only open on fd 4 cannot block), and hands fd 4 to `cat`. `cat` never opens the
 *    FIFO, so there is no moment where it waits for a writer, and no signal to race. fd 3 keeps
 *    the FIFO open for writing until `docker run` has exited; closing it then gives `cat` its
 *    end of file, whether the container wrote the whole tar or failed before writing a byte.
 *  - The container touches `done` beside the FIFO after tar succeeds: without it (Docker could
 *    not bind-mount the host's directory, e.g. Docker installed as a snap) the run fails
 *    instead of passing off an empty stream as a complete archive.
 *  - The exit status is tar's (through `docker run`), else cat's; the directory is removed on
 *    any exit. It is mode 0700, so no other user can write into the stream.
 *  - `:z` lets Docker relabel that one directory where SELinux is enforcing; elsewhere it is
 *    a no-op.
 */
import { type Shell, sh } from "./shell";

/** The helper image needs `sh` and `tar` (busybox has both). */
export function volumeTarCommand(volume: string, helperImage: string): Shell {
  const inContainer = "tar c -C /data . > /out/tar && : > /out/done";
  const script = sh`set -u
d=$(mktemp -d "\${TMPDIR:-/tmp}/lifeboat-volume.XXXXXX") || exit 1
trap 'rm -rf "$d"' EXIT
trap 'exit 129' HUP
trap 'exit 143' TERM
mkfifo "$d/tar" || exit 1
exec 3<>"$d/tar" 4<"$d/tar"
cat <&4 3>&- 4<&- &
reader=$!
exec 4<&-
docker run --rm --log-driver none --network none -v ${`${volume}:/data:ro`} -v "$d:/out:z" ${helperImage} sh -c ${inContainer} >&2 3>&-
code=$?
exec 3>&-
wait "$reader"
reader_code=$?
if [ "$code" -eq 0 ] && [ -e "$d/done" ]; then
  exit "$reader_code"
fi
if [ "$code" -eq 0 ]; then
  echo "lifeboat: the helper container's tar never reached $d: Docker could not bind-mount it (is Docker installed as a snap?)" >&2
  exit 1
fi
exit "$code"`;
  return sh`sh -c ${script.text}`;
}
