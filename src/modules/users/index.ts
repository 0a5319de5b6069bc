export { UsersService, type UserDeletedHook } from './users.service.js';
export { AuthService } from './auth.service.js';
export { LoginThrottle, waitSeconds, type LoginFailureStore } from './login-throttle.js';
export { createAuthenticate, type Authenticate } from './auth.hook.js';
export { registerUserRoutes } from './users.routes.js';
export type { User, UserRecord, UserStore, UserChanges, Page } from './users.ports.js';
