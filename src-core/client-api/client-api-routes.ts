/** Every client-server API route, one module per endpoint or endpoint family. */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { registerAccountData } from './account-data';
import { registerCapabilities } from './capabilities';
import { registerDevices } from './devices';
import { registerFilters } from './filters';
import { registerLogin } from './login';
import { registerLogout } from './logout';
import { registerProfile } from './profile';
import { registerPushRules } from './push-rules';
import { registerReceipts } from './receipts';
import { registerRegister } from './register';
import { registerSendToDevice } from './send-to-device';
import { registerSync } from './sync';
import { registerTyping } from './typing';
import { registerVersions } from './versions';
import { registerWhoami } from './whoami';

export function registerClientApi(app: FastifyInstance, context: HomeserverContext): void {
  registerVersions(app);
  registerRegister(app, context);
  registerLogin(app, context);
  registerLogout(app, context);
  registerWhoami(app, context);
  registerProfile(app, context);
  registerDevices(app, context);
  registerFilters(app, context);
  registerAccountData(app, context);
  registerPushRules(app, context);
  registerCapabilities(app, context);
  registerSync(app, context);
  registerTyping(app, context);
  registerReceipts(app, context);
  registerSendToDevice(app, context);
}
