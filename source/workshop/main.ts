import type {Invocation} from '../cli/args';
export async function runWorkshop(_inv: Extract<Invocation, {mode: 'workshop'}>): Promise<number> {
	throw new Error('workshop is not built yet');
}
