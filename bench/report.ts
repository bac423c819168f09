/**
 * Turning case results into the printed table and the JSON written to bench-results/. Pure (the
 * caller supplies machine info and the timestamp) so the harness test can check both exactly.
 */
import type { Verdict } from './benchmark-suite';
import { verdictOf } from './benchmark-suite';
import type { CaseResult } from './run-suites';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly nodeVersion: string;
  readonly platform: string;
  readonly arch: string;
  readonly totalMemoryBytes: number;
  /**
   * 1-minute load average when the run started: timings taken on a busy box (other builds or
   * tests sharing the cores) are not comparable with quiet ones.
   */
  readonly loadAverage1m: number;
}

export interface ResultRow {
  readonly suite: string;
  readonly case: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly target: number | null;
  readonly lowerIsBetter: boolean;
  readonly verdict: Verdict | 'ERROR';
}

export interface BenchReport {
  readonly startedAt: string;
  readonly gitCommit: string | null;
  readonly machine: MachineInfo;
  readonly cases: readonly {
    readonly suite: string;
    readonly case: string;
    readonly durationMs: number;
    readonly peakRssBytes: number;
    readonly error: string | null;
  }[];
  readonly rows: readonly ResultRow[];
  readonly summary: { readonly passed: number; readonly failed: number; readonly errors: number };
}

const MB = 1024 * 1024;

/** Every measurement, plus one `peak RSS` row per case (and an ERROR row for a case that threw). */
export function resultRows(results: readonly CaseResult[]): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const r of results) {
    for (const m of r.measurements) {
      rows.push({
        suite: r.suite,
        case: r.case,
        metric: m.metric,
        value: m.value,
        unit: m.unit,
        target: m.target ?? null,
        lowerIsBetter: m.lowerIsBetter,
        verdict: verdictOf(m),
      });
    }
    if (r.error !== undefined) {
      rows.push({
        suite: r.suite,
        case: r.case,
        metric: 'error',
        value: Number.NaN,
        unit: '',
        target: null,
        lowerIsBetter: true,
        verdict: 'ERROR',
      });
    }
    rows.push({
      suite: r.suite,
      case: r.case,
      metric: 'peak RSS',
      value: r.peakRssBytes / MB,
      unit: 'MB',
      target: null,
      lowerIsBetter: true,
      verdict: '-',
    });
  }
  return rows;
}

/** Three significant digits for small values, thousands separators for large ones. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return '-';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100 || Number.isInteger(value)) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function formatTarget(row: ResultRow): string {
  if (row.target === null) return '';
  return `${row.lowerIsBetter ? '<=' : '>='} ${formatValue(row.target)}`;
}

/** A fixed-width text table, numbers right-aligned. */
export function formatTable(rows: readonly ResultRow[]): string {
  const header = ['suite', 'case', 'metric', 'value', 'unit', 'target', 'verdict'];
  const body = rows.map((r) => [
    r.suite,
    r.case,
    r.metric,
    formatValue(r.value),
    r.unit,
    formatTarget(r),
    r.verdict,
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((cells) => cells[i]?.length ?? 0)),
  );
  const rightAligned = new Set([3, 5]);
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        return rightAligned.has(i) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n');
}

export function buildReport(
  results: readonly CaseResult[],
  machine: MachineInfo,
  startedAt: Date,
  gitCommit: string | null,
): BenchReport {
  const rows = resultRows(results);
  return {
    startedAt: startedAt.toISOString(),
    gitCommit,
    machine,
    cases: results.map((r) => ({
      suite: r.suite,
      case: r.case,
      durationMs: r.durationMs,
      peakRssBytes: r.peakRssBytes,
      error: r.error ?? null,
    })),
    rows,
    summary: {
      passed: rows.filter((r) => r.verdict === 'pass').length,
      failed: rows.filter((r) => r.verdict === 'FAIL').length,
      errors: results.filter((r) => r.error !== undefined).length,
    },
  };
}

/** `2026-11-26T10:20:30.456Z` → `2026-11-26T10-20-30.456Z.json` (colons are not portable in file names). */
export function reportFileName(startedAt: Date): string {
  return `${startedAt.toISOString().replaceAll(':', '-')}.json`;
}
