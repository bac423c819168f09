/**
 * `npm run gen-room -- --data-dir DIR --server-name NAME --members N --servers M --messages K
 * [--room-version V] [--seed S]`: seeds a homeserver's data dir with a generated room (see
 * src-core/demo/room-generator.ts) without starting it, then prints the room ID and timings.
 * Start the server afterwards with `npm run serve` on the same data dir and server name.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { DEFAULT_PORT } from '../config/homeserver-config';
import { generateRoom } from '../demo/room-generator';
import { DATABASE_FILE } from '../homeserver';
import { loadOrCreateSigningKey } from '../keys/signing-key-store';
import { silentLogger } from '../logging/logger';
import { DEFAULT_ROOM_VERSION, findRoomVersion } from '../rules/room-versions';
import { initCrypto } from '../rules/signing/sodium';
import { RoomServices } from '../rooms/room-services';
import { Database } from '../storage/database';
import { ServerKeyStore } from '../storage/server-key-store';
import { StreamCounter } from '../storage/stream-counter';
import { highestStreamPosition } from '../storage/stream-position';
import { systemClock } from '../util/clock';

const USAGE = `usage: npm run gen-room -- [options]
  --data-dir DIR        homeserver data dir (default ./skein-data)
  --server-name NAME    the resident's server name (default localhost:${DEFAULT_PORT})
  --members N           remote members (default 1000)
  --servers M           fake remote servers they come from (default 10)
  --messages K          messages in the history (default 500)
  --room-version V      default ${DEFAULT_ROOM_VERSION}
  --seed S              same seed, same room shape (default 1)
  --batch-size B        events per transaction (default 2000)
`;

function count(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return parsed;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      'data-dir': { type: 'string' },
      'server-name': { type: 'string' },
      members: { type: 'string' },
      servers: { type: 'string' },
      messages: { type: 'string' },
      'room-version': { type: 'string' },
      seed: { type: 'string' },
      'batch-size': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const roomVersion = values['room-version'] ?? DEFAULT_ROOM_VERSION;
  if (!findRoomVersion(roomVersion)) throw new Error(`unknown room version ${roomVersion}`);
  const dataDir = path.resolve(values['data-dir'] ?? 'skein-data');
  const serverName = values['server-name'] ?? `localhost:${DEFAULT_PORT}`;

  await initCrypto();
  mkdirSync(dataDir, { recursive: true });
  const { key: signingKey } = loadOrCreateSigningKey(dataDir);
  const database = await Database.open(path.join(dataDir, DATABASE_FILE), silentLogger);
  try {
    // The same wiring Homeserver.start does for rooms, without HTTP or federation.
    const stream = new StreamCounter(highestStreamPosition(database));
    const rooms = new RoomServices({
      database,
      serverName,
      signingKey,
      clock: systemClock,
      stream,
      logger: silentLogger,
    });
    const room = generateRoom(
      {
        serverName,
        signingKey,
        rooms,
        serverKeys: new ServerKeyStore(database),
        clock: systemClock,
      },
      {
        members: count(values.members, 'members', 1000),
        servers: Math.max(1, count(values.servers, 'servers', 10)),
        messages: count(values.messages, 'messages', 500),
        roomVersion,
        seed: count(values.seed, 'seed', 1),
        batchSize: Math.max(1, count(values['batch-size'], 'batch-size', 2000)),
      },
    );
    const { buildMs, persistMs, totalMs } = room.timings;
    process.stdout.write(
      `${room.roomId}\n` +
        `room v${room.version.id} on ${serverName}: ${room.joinedMembers.length} joined members ` +
        `from ${room.fakeServers.length} fake servers + ${serverName}, ${room.eventCount} events; ` +
        `${(totalMs / 1000).toFixed(2)} s (build/sign ${(buildMs / 1000).toFixed(2)} s, ` +
        `persist ${(persistMs / 1000).toFixed(2)} s)\n`,
    );
  } finally {
    database.close();
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`gen-room: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
