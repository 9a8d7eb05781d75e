/** Bundles `entry` (an absolute .ts path) for plain node and returns the file: URL of the result. */
export function bundleForNode(entry: string): Promise<string>;
