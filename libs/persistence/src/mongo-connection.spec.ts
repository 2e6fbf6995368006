import { databaseNameFrom, redactUrl } from './mongo-connection';
import { isDuplicateKeyError } from './duplicate-key';

describe('databaseNameFrom', () => {
  it('reads the database from the URL path, ignoring options', () => {
    expect(databaseNameFrom('mongodb://127.0.0.1:27017/sp_referrals?replicaSet=rs0')).toBe('sp_referrals');
    expect(databaseNameFrom('mongodb://u:p@mongo:27017/sp_analytics')).toBe('sp_analytics');
  });

  it('refuses a URL without a database, without echoing the password', () => {
    expect(() => databaseNameFrom('mongodb://user:secret@127.0.0.1:27017/')).toThrow(/own database/);
    expect(() => databaseNameFrom('mongodb://user:secret@127.0.0.1:27017/')).not.toThrow(/secret/);
  });
});

describe('redactUrl', () => {
  it('hides passwords', () => {
    expect(redactUrl('mongodb://user:secret@h:1/db')).toBe('mongodb://user:***@h:1/db');
  });
});

describe('isDuplicateKeyError', () => {
  it('recognises E11000 and nothing else', () => {
    expect(isDuplicateKeyError({ code: 11000 })).toBe(true);
    expect(isDuplicateKeyError({ code: 121 })).toBe(false);
    expect(isDuplicateKeyError(new Error('x'))).toBe(false);
  });
});
