/**
 * The state before an event, partial (what the server believed during the partial join) beside
 * full (what the resync computed), with the differences marked — in words too, not only colour.
 */
import { useMemo, useState } from 'react';
import type { StateEntry } from '../../../src-core/admin-api/admin-api-types';
import { shortId } from '../format';

export type DiffKind = 'same' | 'changed' | 'added' | 'removed';

export interface DiffRow {
  type: string;
  stateKey: string;
  partial: string | null;
  full: string | null;
  kind: DiffKind;
}

export function diffStates(partial: StateEntry[] | null, full: StateEntry[] | null): DiffRow[] {
  const key = (e: { type: string; stateKey: string }) => `${e.type}\u0000${e.stateKey}`;
  const rows = new Map<string, DiffRow>();
  for (const entry of partial ?? []) {
    rows.set(key(entry), {
      type: entry.type,
      stateKey: entry.stateKey,
      partial: entry.eventId,
      full: null,
      kind: 'removed',
    });
  }
  for (const entry of full ?? []) {
    const row = rows.get(key(entry));
    if (row) {
      row.full = entry.eventId;
      row.kind = row.partial === entry.eventId ? 'same' : 'changed';
    } else {
      rows.set(key(entry), {
        type: entry.type,
        stateKey: entry.stateKey,
        partial: null,
        full: entry.eventId,
        kind: 'added',
      });
    }
  }
  if (partial === null || full === null) for (const row of rows.values()) row.kind = 'same';
  return [...rows.values()].sort((a, b) =>
    a.type === b.type ? a.stateKey.localeCompare(b.stateKey) : a.type.localeCompare(b.type),
  );
}

export function StateDiff(props: {
  partial: StateEntry[] | null;
  full: StateEntry[] | null;
  partialLabel: string;
  fullLabel: string;
  onSelect: (eventId: string) => void;
}) {
  const [onlyDifferences, setOnlyDifferences] = useState(true);
  const rows = useMemo(() => diffStates(props.partial, props.full), [props.partial, props.full]);
  const differences = rows.filter((row) => row.kind !== 'same').length;
  const shown =
    onlyDifferences && differences > 0 ? rows.filter((row) => row.kind !== 'same') : rows;
  const cell = (eventId: string | null) =>
    eventId === null ? (
      <span className="muted">—</span>
    ) : (
      <button
        type="button"
        className="link"
        title={eventId}
        onClick={() => props.onSelect(eventId)}
      >
        {shortId(eventId)}
      </button>
    );
  return (
    <div className="state-diff">
      <p>
        {rows.length} state keys, {differences} different.{' '}
        <label>
          <input
            type="checkbox"
            checked={onlyDifferences}
            onChange={(event) => setOnlyDifferences(event.target.checked)}
          />
          Only differences
        </label>
      </p>
      <table aria-label="State before the event: partial and full">
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">State key</th>
            <th scope="col">{props.partialLabel}</th>
            <th scope="col">{props.fullLabel}</th>
            <th scope="col">Difference</th>
          </tr>
        </thead>
        <tbody>
          {shown.slice(0, 500).map((row) => (
            <tr key={`${row.type}\u0000${row.stateKey}`} className={`diff-${row.kind}`}>
              <td>{row.type}</td>
              <td title={row.stateKey}>{shortId(row.stateKey, 28)}</td>
              <td>{cell(row.partial)}</td>
              <td>{cell(row.full)}</td>
              <td>{row.kind === 'same' ? '' : row.kind}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length > 500 && <p className="muted">… {shown.length - 500} more rows</p>}
    </div>
  );
}
