// A lab's sheet for --plain and the Labs list: the question, the choices, what to do and what to
// watch for, never the answer (no reveal, no last hint).
import {LABS} from './labs';
import type {Lab} from './types';

export function labSheet(lab: Lab): string[] {
	const p = lab.prediction;
	const predict =
		p.kind === 'choice'
			? p.options.map((option, i) => `  ${String.fromCharCode(97 + i)}) ${option}`)
			: [`  a number, in ${p.unit}`];
	return [
		`${lab.id}: ${lab.title}${lab.variantOf ? ` (a variant of ${lab.variantOf})` : ''}`,
		`Setup: ${setupText(lab)}`,
		`Question: ${lab.question}`,
		...predict,
		`Do: ${lab.steps.map(s => s.label).join(', then ')}`,
		`Watch: ${lab.watch}`,
		...(lab.gunicornOnly ? [`Note: ${lab.gunicornOnly}`] : []),
	];
}

/** The lab's flags as a command line would give them. */
export function setupText(lab: Lab): string {
	const s = lab.setup;
	const flags = [
		s.workers !== undefined && `--workers ${s.workers}`,
		s.workerClass && s.workerClass !== 'sync' && `--worker-class ${s.workerClass}`,
		s.threads !== undefined && `--threads ${s.threads}`,
		s.timeout !== undefined && `--timeout ${s.timeout}`,
		s.gracefulTimeout !== undefined && `--graceful-timeout ${s.gracefulTimeout}`,
		s.maxRequests && `--max-requests ${s.maxRequests}`,
		s.maxRequestsJitter && `--max-requests-jitter ${s.maxRequestsJitter}`,
		s.preload && '--preload',
	];
	return flags.filter(Boolean).join(' ');
}

export const allSheets = (): string => LABS.map(lab => labSheet(lab).join('\n')).join('\n\n');
