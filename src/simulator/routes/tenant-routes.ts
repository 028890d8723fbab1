import { collectionResponse } from '../collection-response';
import { organizationView, subscribedSkuViews } from '../graph-views';
import { route, type Route, type SimulatorState } from './route';

/** GET /organization and GET /subscribedSkus. */
export function tenantRoutes({ directory }: SimulatorState): Route[] {
  return [
    route('GET', '/organization', (c) =>
      collectionResponse(c, 'organization', [organizationView(directory)])
    ),
    route('GET', '/subscribedSkus', (c) =>
      collectionResponse(c, 'subscribedSkus', subscribedSkuViews(directory))
    ),
  ];
}
