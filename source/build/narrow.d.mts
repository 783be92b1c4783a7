// Types for the tests.
export const NARROW: RegExp;
export function isNarrow(char: string): boolean;
