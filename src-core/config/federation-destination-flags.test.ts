import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELP_TEXT, parseCommandLine } from './command-line';
import { ConfigError } from './homeserver-config';

function serve(argv: string[]) {
  const result = parseCommandLine(argv, '/tmp');
  if (result.kind !== 'serve') throw new Error('expected a serve config');
  return result.config;
}

describe('--federation-allow / --federation-deny', () => {
  it('default to allowing everyone', () => {
    expect(serve([]).federation.destinations).toEqual({ allow: undefined, deny: [] });
  });

  it('are repeatable and kept in order', () => {
    const config = serve([
      '--federation-deny',
      '*.evil.example',
      '--federation-deny',
      'spam.example:8448',
      '--federation-allow',
      '*.friends.example',
    ]);
    expect(config.federation.destinations).toEqual({
      allow: ['*.friends.example'],
      deny: ['*.evil.example', 'spam.example:8448'],
    });
  });

  it('come from the config file’s federation.destinations, flags winning', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'skein-config-'));
    const file = path.join(dir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({
        federation: { destinations: { allow: ['a.example'], deny: ['b.example'] } },
      }),
    );
    expect(serve(['--config', file]).federation.destinations).toEqual({
      allow: ['a.example'],
      deny: ['b.example'],
    });
    expect(
      serve(['--config', file, '--federation-deny', 'c.example']).federation.destinations,
    ).toEqual({ allow: ['a.example'], deny: ['c.example'] });
  });

  it('refuse empty or blank patterns and non-lists in the file', () => {
    expect(() => serve(['--federation-deny', ''])).toThrow(ConfigError);
    expect(() => serve(['--federation-allow', 'a b'])).toThrow(/not a server name pattern/);
    const dir = mkdtempSync(path.join(tmpdir(), 'skein-config-'));
    const file = path.join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ federation: { destinations: { deny: 'x.example' } } }));
    expect(() => serve(['--config', file])).toThrow(/must be a list/);
  });

  it('are documented in --help', () => {
    expect(parseCommandLine(['--help'], '/tmp')).toEqual({ kind: 'help' });
    expect(HELP_TEXT).toMatch(/--federation-allow GLOB/);
    expect(HELP_TEXT).toMatch(/--federation-deny GLOB/);
    expect(HELP_TEXT).toMatch(/Loopback/);
  });
});
