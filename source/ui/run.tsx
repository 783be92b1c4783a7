import type {Invocation} from '../cli/args';
export async function runWalkthrough(_inv: Extract<Invocation, {mode: 'walkthrough'}>): Promise<number> {
	throw new Error('ui not built yet');
}
