// Types for the tests, which check the patches against the installed Ink.
export interface Patch {
	for: string;
	file: string;
	find: string;
	replace: string;
}
export const PATCHES: Patch[];
export function applyPatches(file: string, text: string, patches?: Patch[]): string;
export function patchDependencies(options?: {enabled?: boolean; patches?: Patch[]}): import('esbuild').Plugin;
export function versionMismatches(modules: string, patches?: Patch[]): string[];
export function inkWithoutDevtools(): import('esbuild').Plugin;
