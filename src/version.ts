// Replaced at build time by tsup's define; falls back for tests run from source.
declare const __MVM_VERSION__: string | undefined;
export const VERSION: string = typeof __MVM_VERSION__ === 'string' ? __MVM_VERSION__ : '0.0.0-dev';
