/**
 * "Try a demo": asks the core to start its embedded demo federation (resident servers on
 * loopback hosting a generated room) and partially join it, then opens that room. The core makes
 * this idempotent, so a second click just opens the same room again.
 */
import { useState } from 'react';
import { useAdmin, useAdminStore } from '../state/store-context';

export function TryDemoButton() {
  const store = useAdminStore();
  const transport = useAdmin((s) => s.transport);
  const [starting, setStarting] = useState(false);

  const start = async (): Promise<void> => {
    if (!transport) return;
    setStarting(true);
    try {
      const { roomId } = await transport.startDemo();
      store.getState().selectEvent(null);
      await store.getState().openRoom(roomId);
    } catch (error) {
      store
        .getState()
        .setNotice(
          `The demo did not start: ${error instanceof Error ? error.message : String(error)}`,
        );
    } finally {
      setStarting(false);
    }
  };

  return (
    <button
      type="button"
      className="try-demo"
      disabled={transport === null || starting}
      aria-busy={starting}
      title="Start resident servers on this machine hosting a generated 3,000-member room and join it partially, resync paused at J"
      onClick={() => void start()}
    >
      {starting ? 'Starting demo…' : 'Try a demo'}
    </button>
  );
}
