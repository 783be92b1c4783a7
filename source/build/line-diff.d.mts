// Types for the tests.
export function cells(line: string): {chars: string[]; styles: string[]} | undefined;
export function lineUpdate(previous: string | undefined, next: string): string;
export function collapseNextLines(text: string): string;
