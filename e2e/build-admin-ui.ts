/** vitest global setup: builds the admin GUI once before the browser tests. */
import { buildAdminUi } from '../src-core/testing/build-admin-ui';

export default function setup(): void {
  buildAdminUi();
}
