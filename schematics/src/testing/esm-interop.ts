// Jest cannot require() an ES module before Node 24.9, and @angular-devkit/schematics, which is
// CommonJS, requires two ESM-only packages: magic-string (tree recorder) and ora (task spinner).
// Hand it the modules Jest's ESM loader imported. Jest loads the CommonJS modules an ES module
// imports while linking it, before any code runs: import this first, then load anything that
// uses @angular-devkit/schematics with `await import()`.
import { jest } from '@jest/globals';
import * as magicString from 'magic-string';
import * as ora from 'ora';

jest.mock('magic-string', () => magicString);
// Required through TypeScript's __importDefault, which reads `default` from an ES module.
jest.mock('ora', () => ({ __esModule: true, ...ora }));
