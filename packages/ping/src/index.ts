/**
 * @lifeboat/ping — the plans' dead-man's switch over HTTP (the healthchecks.io pinging
 * protocol): `httpPinger` implements core's `Pinger` port with `fetch`. functions/ and the CLI
 * wire it in.
 */

export { httpPinger } from "./http-pinger";
export { runUuid } from "./ping-url";
