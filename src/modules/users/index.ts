export { UsersService, type UserDeletedHook } from './users.service.js';
export { AuthService } from './auth.service.js';
export { RegistrationThrottle } from './registration-throttle.js';
export { LoginThrottle, waitSeconds, type LoginFailureStore } from './login-throttle.js';
export { createAuthenticate, type Authenticate } from './auth.hook.js';
export { registerUserRoutes } from './users.routes.js';
export { lastAdminConflict } from './users.ports.js';
export type { User, UserAuth, UserRecord, UserStore, UserChanges, Page } from './users.ports.js';
