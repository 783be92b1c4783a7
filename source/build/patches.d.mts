// Types for the tests, which check the patches against the installed Ink.
export interface Patch {
	file: string;
	find: string;
	replace: string;
}
export const PATCHES: Patch[];
export function applyPatches(file: string, text: string, patches?: Patch[]): string;
export function patchDependencies(options?: {enabled?: boolean}): import('esbuild').Plugin;
export function inkWithoutDevtools(): import('esbuild').Plugin;
