/** The Lambda runtime of every function; tests and CI run on the same Node major (test/unit/node-version.test.ts). */
export const LAMBDA_RUNTIME = "nodejs22.x";
