import { portalApi, portalToken } from './portal-api.ts';

/** Ends the session on the server too (a lost phone's token stops working), then forgets it here. */
export async function logOut(): Promise<void> {
  try {
    if (portalToken.get()) await portalApi.logout();
  } catch {
    // The session may be gone already; forgetting the token is what matters here.
  } finally {
    portalToken.clear();
  }
}
