/**
 * POST /_matrix/client/v3/user/{userId}/filter and GET …/filter/{filterId}. Filters are stored
 * as given (a JSON object); interpreting them is /sync's job, which reads them back through
 * `AccountService.getFilter`.
 */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { authenticate, requireSelf } from './authenticate';
import { jsonObjectBody, pathParam } from './request-body';

export function registerFilters(app: FastifyInstance, context: HomeserverContext): void {
  const { accounts } = context;

  app.post('/_matrix/client/v3/user/:userId/filter', async (request) => {
    const requester = authenticate(request, context);
    const userId = pathParam(request, 'userId');
    requireSelf(requester, userId, 'create filters');
    return { filter_id: accounts.createFilter(userId, jsonObjectBody(request)) };
  });

  app.get('/_matrix/client/v3/user/:userId/filter/:filterId', async (request) => {
    const requester = authenticate(request, context);
    const userId = pathParam(request, 'userId');
    requireSelf(requester, userId, 'get filters');
    return accounts.getFilter(userId, pathParam(request, 'filterId'));
  });
}
