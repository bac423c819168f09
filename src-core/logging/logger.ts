/**
 * Structured logging. The core logs through this interface so that embedders (the Electron main
 * process, tests, benchmarks) choose where lines go; the default writes JSON lines with pino.
 */
import { pino } from 'pino';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose every line carries `fields` (e.g. `{ component: 'resync', room_id }`). */
  child(fields: LogFields): Logger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

class PinoLogger implements Logger {
  constructor(private readonly inner: pino.Logger) {}

  debug(message: string, fields?: LogFields): void {
    this.inner.debug(fields ?? {}, message);
  }
  info(message: string, fields?: LogFields): void {
    this.inner.info(fields ?? {}, message);
  }
  warn(message: string, fields?: LogFields): void {
    this.inner.warn(fields ?? {}, message);
  }
  error(message: string, fields?: LogFields): void {
    this.inner.error(fields ?? {}, message);
  }
  child(fields: LogFields): Logger {
    return new PinoLogger(this.inner.child(fields));
  }
}

/** JSON lines to `destination` (default: stderr, keeping stdout for the ready line). */
export function createLogger(options: {
  level: LogLevel;
  destination?: pino.DestinationStream;
}): Logger {
  const destination = options.destination ?? pino.destination({ fd: 2, sync: false });
  return new PinoLogger(pino({ level: options.level, base: undefined }, destination));
}

/** Discards everything: for tests and benchmarks that assert on behaviour, not on logs. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
