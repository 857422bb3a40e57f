import { serviceNames } from './names.js';
import { addModelToSchema, hasModel, migrationTimestamp, modelHasField } from './prisma-model.js';

const USER_WITH_INDEX = `model User {
  id    String @id
  email String @unique

  @@index([email])
}
`;

describe('the Prisma model of a crud service', () => {
  it('adds the relation after the last field of User, before its block attributes', () => {
    const schema = addModelToSchema(USER_WITH_INDEX, serviceNames('invoice-items'));

    expect(schema.split('\nmodel InvoiceItem {')[0]).toBe(`model User {
  id           String        @id
  email        String        @unique
  invoiceItems InvoiceItem[]

  @@index([email])
}
`);
    expect(hasModel(schema, 'InvoiceItem')).toBe(true);
    expect(modelHasField(schema, 'User', 'invoiceItems')).toBe(true);
    expect(modelHasField(schema, 'User', 'index')).toBe(false);
  });

  describe('migrationTimestamp', () => {
    const now = new Date('2026-11-25T08:35:47.123Z');

    it('is the UTC time, to the second, as Prisma writes it', () => {
      expect(migrationTimestamp(['20250101000000_init'], now)).toBe('20261125083547');
    });

    it('is one second after the newest migration when the clock is behind it', () => {
      expect(
        migrationTimestamp(['20261125090000_init', '20261125085959_add_orders', 'notes'], now),
      ).toBe('20261125090001');
      expect(migrationTimestamp(['20261231235959_late'], now)).toBe('20270101000000');
    });
  });
});
