/** A Bolt-compatible logger writing one JSON line per entry (CloudWatch-friendly). */
import { type Logger, LogLevel } from "@slack/logger";

const ORDER = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];

/**
 * @example const logger = jsonLogger("slack", (line) => process.stdout.write(`${line}\n`));
 */
export function jsonLogger(name: string, write: (line: string) => void, level: LogLevel = LogLevel.INFO): Logger {
  let current = level;
  let loggerName = name;
  const log =
    (at: LogLevel) =>
    (...msg: unknown[]) => {
      if (ORDER.indexOf(at) < ORDER.indexOf(current)) return;
      const text = msg
        .map((m) => (m instanceof Error ? m.message : typeof m === "string" ? m : JSON.stringify(m)))
        .join(" ");
      write(JSON.stringify({ level: at, logger: loggerName, message: text }));
    };
  return {
    debug: log(LogLevel.DEBUG),
    info: log(LogLevel.INFO),
    warn: log(LogLevel.WARN),
    error: log(LogLevel.ERROR),
    setLevel: (l) => {
      current = l;
    },
    getLevel: () => current,
    setName: (n) => {
      loggerName = n;
    },
  };
}
