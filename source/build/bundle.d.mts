// Types for the tests and the bench, which build variants of dist/.
import type {BuildResult} from 'esbuild';
export function bundle(options?: {
	entry?: string;
	outdir?: string;
	patch?: boolean;
	patches?: import('./patches.mjs').Patch[];
	metafile?: boolean;
}): Promise<BuildResult<{metafile: true}>>;
