import { describe, expect, it } from 'vitest';
import type { LogFields, Logger } from './logger';
import type { TappedLine } from './log-tap';
import { LogTap } from './log-tap';

function recordingLogger(lines: string[], bound: LogFields = {}): Logger {
  const write = (level: string) => (message: string, fields?: LogFields) =>
    lines.push(`${level} ${message} ${JSON.stringify({ ...bound, ...fields })}`);
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (fields) => recordingLogger(lines, { ...bound, ...fields }),
  };
}

describe('LogTap', () => {
  it('passes every line through and copies warn and error, with child fields, once connected', () => {
    const written: string[] = [];
    const tapped: TappedLine[] = [];
    const tap = new LogTap(recordingLogger(written), { now: () => 42 });
    tap.logger.warn('before connect');
    tap.connect((line) => tapped.push(line));
    const child = tap.logger.child({ component: 'resync' });
    child.info('quiet');
    child.warn('backing off', { destination: 'a.example' });
    child.child({ room_id: '!r' }).error('failed');
    expect(written).toHaveLength(4);
    expect(written[2]).toBe('warn backing off {"component":"resync","destination":"a.example"}');
    expect(tapped).toEqual([
      {
        ts: 42,
        level: 'warn',
        message: 'backing off',
        fields: { component: 'resync', destination: 'a.example' },
      },
      { ts: 42, level: 'error', message: 'failed', fields: { component: 'resync', room_id: '!r' } },
    ]);
  });

  it('does not loop when the sink logs, and survives a throwing sink', () => {
    const tapped: TappedLine[] = [];
    const tap = new LogTap(recordingLogger([]), { now: () => 1 });
    tap.connect((line) => {
      tapped.push(line);
      tap.logger.warn('listener failed');
      throw new Error('boom');
    });
    expect(() => tap.logger.error('first')).not.toThrow();
    expect(tapped.map((l) => l.message)).toEqual(['first']);
  });
});
