// Types for the tests.
export function cells(line: string): Array<[string, string]> | undefined;
export function lineUpdate(previous: string | undefined, next: string): string;
