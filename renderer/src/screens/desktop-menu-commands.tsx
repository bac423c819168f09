/**
 * Desktop only: carries out the application menu items that need the page — "Join room…" opens
 * the join dialog, "Settings…" the settings screen. Renders nothing outside Electron. Mounted
 * once inside the store provider: `{window.skein && <DesktopMenuCommands bridge={window.skein} />}`.
 */
import { useEffect, useState } from 'react';
import { JoinRoomDialog } from '../components/JoinRoomDialog';
import { useAdminStore } from '../state/store-context';
import type { DesktopAppCommand } from '../transport/desktop-settings';
import type { SkeinIpcBridge } from '../transport/ipc-bridge';
import { SettingsScreen } from './settings-screen';

export function DesktopMenuCommands(props: { bridge: SkeinIpcBridge }) {
  const store = useAdminStore();
  const [open, setOpen] = useState<DesktopAppCommand | null>(null);

  // A preload from before version 2 has no commands: the menu items then do nothing.
  useEffect(
    () => (props.bridge.bridgeVersion >= 2 ? props.bridge.onAppCommand(setOpen) : undefined),
    [props.bridge],
  );

  if (open === 'open-settings') {
    return <SettingsScreen bridge={props.bridge} onClose={() => setOpen(null)} />;
  }
  if (open === 'join-room') {
    return (
      <JoinRoomDialog
        onJoin={async (room, via) => {
          await store.getState().joinRoom({ room, via });
        }}
        onClose={() => setOpen(null)}
      />
    );
  }
  return null;
}
