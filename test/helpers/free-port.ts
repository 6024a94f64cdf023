export { freePort } from '../../shared/redis-server-process.js';
