// Types for the tests, which check the patches against the installed Ink.
export interface InkPatch {
	file: string;
	find: string;
	replace: string;
}
export const INK_PATCHES: InkPatch[];
export function applyPatches(file: string, text: string, patches?: InkPatch[]): string;
export function inkPatches(options?: {enabled?: boolean}): import('esbuild').Plugin;
export function inkWithoutDevtools(): import('esbuild').Plugin;
