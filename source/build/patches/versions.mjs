// The exact versions the patches were written for: the build refuses any other (../patches.mjs).
export const INK = 'ink@7.1.1';
export const ANSI_TOKENIZE = '@alcalzone/ansi-tokenize@0.3.2';
export const STRING_WIDTH = 'string-width@8.3.0';
export const YOGA = 'yoga-layout@3.2.1';
export const MEOW = 'meow@14.1.0';
export const OBJECT_HASH = 'object-hash@2.2.0';
export const SSH2 = 'ssh2@1.17.0';
