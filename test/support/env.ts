/**
 * The environment a process started by a test gets: PATH, HOME and the cache folder so that it
 * runs, the suite's own BAZAAR_TEST_* knobs, and what the test states. Nothing else of the
 * caller's shell (BAZAAR_ADMIN_*, PORT, DATABASE_URL, CART_STORE...) reaches it: `npm test`
 * passes whatever the user has exported.
 */
export function testEnv(stated: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (['PATH', 'HOME', 'XDG_CACHE_HOME'].includes(key) || key.startsWith('BAZAAR_TEST_')) kept[key] = value;
  }
  return { ...kept, ...stated };
}
