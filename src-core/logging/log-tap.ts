/**
 * A Logger decorator that copies warn and error lines (with their bound and call fields) to a
 * sink connected later — the admin stream's log view. The homeserver creates its logger before
 * the AdminService exists, hence `connect`. Lines written while the sink itself is logging are
 * not copied again, so a failing stream listener cannot loop.
 */
import type { LogFields, Logger } from './logger';

export type TappedLevel = 'debug' | 'info' | 'warn' | 'error';

export interface TappedLine {
  ts: number;
  level: TappedLevel;
  message: string;
  fields: Record<string, unknown>;
}

const RANK: Record<TappedLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

class TapState {
  sink: ((line: TappedLine) => void) | null = null;
  busy = false;

  constructor(
    readonly minRank: number,
    readonly now: () => number,
  ) {}
}

class TappedLogger implements Logger {
  constructor(
    private readonly inner: Logger,
    private readonly bound: LogFields,
    private readonly state: TapState,
  ) {}

  private copy(level: TappedLevel, message: string, fields: LogFields | undefined): void {
    const state = this.state;
    if (state.sink === null || state.busy || RANK[level] < state.minRank) return;
    state.busy = true;
    try {
      state.sink({ ts: state.now(), level, message, fields: { ...this.bound, ...fields } });
    } catch {
      // The log view is a convenience: never let it break the code that logged.
    } finally {
      state.busy = false;
    }
  }

  debug(message: string, fields?: LogFields): void {
    this.inner.debug(message, fields);
    this.copy('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.inner.info(message, fields);
    this.copy('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.inner.warn(message, fields);
    this.copy('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.inner.error(message, fields);
    this.copy('error', message, fields);
  }
  child(fields: LogFields): Logger {
    return new TappedLogger(this.inner.child(fields), { ...this.bound, ...fields }, this.state);
  }
}

export class LogTap {
  private readonly state: TapState;
  /** Log through this: every line goes to the wrapped logger, and warn+ also to the sink. */
  readonly logger: Logger;

  constructor(inner: Logger, options: { now: () => number; minLevel?: TappedLevel }) {
    this.state = new TapState(RANK[options.minLevel ?? 'warn'], options.now);
    this.logger = new TappedLogger(inner, {}, this.state);
  }

  connect(sink: (line: TappedLine) => void): void {
    this.state.sink = sink;
  }

  disconnect(): void {
    this.state.sink = null;
  }
}
