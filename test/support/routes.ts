export { registeredRoutes, type RegisteredRoute } from '../../src/web/route-walk';
