import { serviceNames, toKebab } from './names.js';

describe('service names', () => {
  it.each(['InvoiceItems', 'invoiceItems', 'invoice-items', 'invoice_items', 'invoice items'])(
    '%p normalises to invoice-items',
    (raw) => {
      expect(toKebab(raw)).toBe('invoice-items');
    },
  );

  it('spells a name in every casing, with Prisma-style singulars', () => {
    expect(serviceNames('InvoiceItems')).toEqual({
      kebab: 'invoice-items',
      camel: 'invoiceItems',
      pascal: 'InvoiceItems',
      snake: 'invoice_items',
      words: 'invoice items',
      singular: {
        kebab: 'invoice-item',
        camel: 'invoiceItem',
        pascal: 'InvoiceItem',
        constant: 'INVOICE_ITEM',
        words: 'invoice item',
      },
      relationField: 'invoiceItems',
    });
  });

  it.each([
    ['categories', 'Category', 'categories'],
    ['purchases', 'Purchase', 'purchases'],
    ['statuses', 'Status', 'statuses'],
    ['invoice', 'Invoice', 'invoices'],
    ['people', 'Person', 'people'],
  ])('%p stores model %p, listed on User as %p', (raw, model, relation) => {
    const names = serviceNames(raw);
    expect([names.singular.pascal, names.relationField]).toEqual([model, relation]);
  });

  it('keeps the name itself when its singular would be a reserved word', () => {
    expect(serviceNames('classes').singular.pascal).toBe('Classes');
  });

  it.each([
    ['class', 'Invalid name "class": "class" is a reserved word'],
    ['1st', 'Invalid name "1st": use letters, digits'],
    ['invoice--items', 'Invalid name "invoice--items"'],
    ['-invoices', 'Invalid name "-invoices"'],
    ['x'.repeat(41), 'at most 40 characters'],
  ])('refuses %p', (raw, message) => {
    expect(() => serviceNames(raw)).toThrow(message);
  });
});
