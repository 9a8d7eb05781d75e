// Stands in, in the Slack function's bundle, for modules Bolt imports but lifeboat never runs
// on Lambda (Socket Mode, the Express and HTTP receivers): ~1.2 MB of the bundle, and cold start.
// If one is ever called, it fails loudly instead of doing something half.
module.exports = new Proxy(
  {},
  {
    get(_target, key) {
      if (key === "__esModule" || key === "default" || typeof key === "symbol") return undefined;
      return () => {
        throw new Error(
          `lifeboat's Slack bundle leaves out this module (${String(key)}); see functions/shims/unused.cjs`,
        );
      };
    },
  },
);
