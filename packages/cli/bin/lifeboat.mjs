#!/usr/bin/env node
// The `lifeboat` command: bundles ../src/main.ts (see ../bundle.mjs) and runs it with plain node.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleForNode } from "../bundle.mjs";

await import(await bundleForNode(join(dirname(fileURLToPath(import.meta.url)), "..", "src", "main.ts")));
