/** Server name and version, stream connection, federation reachability, and the log view. */
import { useState } from 'react';
import { formatTime } from '../format';
import { useAdmin } from '../state/store-context';

export function StatusBar() {
  const info = useAdmin((s) => s.serverInfo);
  const connection = useAdmin((s) => s.connection);
  const kind = useAdmin((s) => s.transport?.kind ?? null);
  const logs = useAdmin((s) => s.logs);
  const [showLogs, setShowLogs] = useState(false);
  const destinations = info?.destinations ?? [];
  const backingOff = destinations.filter((d) => d.retryAtTs !== null || d.failures > 0).length;
  const warnings = logs.filter((l) => l.level === 'warn' || l.level === 'error').length;

  return (
    <div className="status-bar">
      <span aria-label="Server">
        {info ? `${info.serverName} · Skein ${info.version}` : 'not connected'}
      </span>
      <span aria-label="Live updates" className={`connection-${connection}`}>
        {kind === 'ipc' ? 'IPC' : 'WebSocket'}: {connection}
      </span>
      <span
        aria-label="Federation reachability"
        title={destinations.map((d) => `${d.destination}: ${d.lastError ?? 'ok'}`).join('\n')}
      >
        Federation: {destinations.length} destination(s), {backingOff} in backoff
      </span>
      <button
        type="button"
        aria-expanded={showLogs}
        aria-controls="server-log"
        onClick={() => setShowLogs(!showLogs)}
      >
        Log ({warnings})
      </button>
      {showLogs && (
        <div id="server-log" className="log-view" role="log" aria-label="Server log">
          {logs.length === 0 && <p className="muted">No warnings or errors logged.</p>}
          {logs.map((line, index) => (
            <div key={index} className={`log-line log-${line.level}`}>
              <span className="muted">{formatTime(line.ts)}</span> <strong>{line.level}</strong>{' '}
              {line.message}{' '}
              {Object.keys(line.fields).length > 0 && <code>{JSON.stringify(line.fields)}</code>}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
