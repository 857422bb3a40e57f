import { strings } from '@angular-devkit/core';
import { normalizeToKebabOrSnakeCase } from '@nestjs/schematics';
import { createRequire } from 'node:module';
import { messages } from './messages.js';

interface Pluralize {
  singular(word: string): string;
  plural(word: string): string;
}

// Singular and plural as Nest's own resource schematic makes them: with the pluralize package
// @nestjs/schematics depends on, resolved from there (this collection declares no dependencies
// of its own, so that a production install of the app pulls in none of the generator's).
const fromNestSchematics = createRequire(
  createRequire(import.meta.url).resolve('@nestjs/schematics'),
);
const pluralize = fromNestSchematics('pluralize') as Pluralize;

/** Every spelling of a service name the templates need, from one normalised kebab-case name. */
export interface ServiceNames {
  /** `invoice-items`: folder, file names, route and pipeline name. */
  kebab: string;
  /** `invoiceItems` */
  camel: string;
  /** `InvoiceItems`: prefix of the module, controller and pipeline classes. */
  pascal: string;
  /** `invoice_items`: the migration name. */
  snake: string;
  /** `invoice items`, for descriptions. */
  words: string;
  /** One record: `invoice-item`, `invoiceItem`, `InvoiceItem` (the Prisma model), ... */
  singular: {
    kebab: string;
    camel: string;
    pascal: string;
    /** `INVOICE_ITEM`, the prefix of constants. */
    constant: string;
    words: string;
  };
  /** `invoiceItems`: the relation list on model User. */
  relationField: string;
}

export const MAX_NAME_LENGTH = 40;

const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

// ECMAScript reserved words (strict mode included) and TypeScript's own type keywords.
// prettier-ignore
const RESERVED_WORDS = new Set([
  'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default',
  'delete', 'do', 'else', 'enum', 'export', 'extends', 'false', 'finally', 'for', 'function',
  'if', 'implements', 'import', 'in', 'instanceof', 'interface', 'let', 'new', 'null',
  'package', 'private', 'protected', 'public', 'return', 'static', 'super', 'switch', 'this',
  'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield', 'arguments',
  'eval', 'any', 'bigint', 'boolean', 'constructor', 'declare', 'keyof', 'module',
  'namespace', 'never', 'number', 'object', 'readonly', 'require', 'string', 'symbol',
  'type', 'undefined', 'unique', 'unknown',
]);

/**
 * `InvoiceItems`, `invoiceItems`, `invoice-items` and `invoice_items` all become `invoice-items`:
 * Nest's own normalisation (which keeps underscores, for snake_case names), then `_` to `-`.
 */
export function toKebab(raw: string): string {
  return normalizeToKebabOrSnakeCase(raw).replace(/_/g, '-');
}

/**
 * Refuses what is not a usable name; returns the normalised spellings. `given` is what the user
 * typed (`billing/invoices`), for messages, when `raw` is only its last part.
 */
export function serviceNames(raw: string, given: string = raw): ServiceNames {
  const kebab = toKebab(raw);
  if (!KEBAB.test(kebab)) throw new Error(messages.nameInvalid(given));
  if (kebab.length > MAX_NAME_LENGTH) throw new Error(messages.nameTooLong(given, MAX_NAME_LENGTH));
  const camel = strings.camelize(kebab);
  if (RESERVED_WORDS.has(camel)) throw new Error(messages.nameReserved(given, camel));

  // invoices -> invoice, the name of one record (the Prisma model).
  const parts = kebab.split('-');
  const last = pluralize.singular(parts[parts.length - 1]);
  let singularKebab = [...parts.slice(0, -1), last].join('-');
  if (!KEBAB.test(singularKebab) || RESERVED_WORDS.has(strings.camelize(singularKebab))) {
    singularKebab = kebab;
  }
  const relationParts = singularKebab.split('-');
  relationParts.push(pluralize.plural(relationParts.pop()!));

  return {
    kebab,
    camel,
    pascal: strings.classify(kebab),
    snake: strings.underscore(kebab),
    words: parts.join(' '),
    singular: {
      kebab: singularKebab,
      camel: strings.camelize(singularKebab),
      pascal: strings.classify(singularKebab),
      constant: strings.underscore(singularKebab).toUpperCase(),
      words: singularKebab.split('-').join(' '),
    },
    relationField: strings.camelize(relationParts.join('-')),
  };
}
