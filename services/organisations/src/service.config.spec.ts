import { loadServiceConfig } from './service.config';

describe('organisations configuration', () => {
  it('runs on its documented defaults', () => {
    const config = loadServiceConfig({});
    expect(config.PORT).toBe(3002);
    expect(config.MONGO_URL).toContain('/sp_organisations');
    expect(config.TOKEN_TTL_SECONDS).toBe(900);
    // The matching snapshot follows this instance's writes at once; the TTL bounds other instances'.
    expect(config.MATCH_SNAPSHOT_TTL_MS).toBe(300_000);
    expect(config.MATCH_SNAPSHOT_PRELOAD).toBe(true);
    expect(loadServiceConfig({ MATCH_SNAPSHOT_PRELOAD: 'false' }).MATCH_SNAPSHOT_PRELOAD).toBe(false);
    expect(loadServiceConfig({ MATCH_SNAPSHOT_TTL_MS: '0' }).MATCH_SNAPSHOT_TTL_MS).toBe(0);
  });

  it('names every bad variable at boot', () => {
    expect(() => loadServiceConfig({ PORT: 'abc', TOKEN_TTL_SECONDS: '5' })).toThrow(
      /PORT[\s\S]*TOKEN_TTL_SECONDS/,
    );
  });
});
