// A chapter's text names the processes by role, {master}, {worker}, {address}, and is rendered
// with the lesson's scripted names or, attached to a server, the real ones. One function for both.
import type {Cast} from './types';

/** The names a text is rendered with: pids as the text shows them. */
export interface Names {
	master: string;
	workers: string[]; // {worker}, {worker2}, ...: missing ones read "another worker"
	address: string;
	count: number;
	timeout: number;
	app: string;
}

/** Gunicorn's default bind: the text says "the default address" only while it is that one. */
export const DEFAULT_ADDRESS = '127.0.0.1:8000';

const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
export const inWords = (n: number) => WORDS[n] ?? String(n);
const plural = (noun: string) => (noun.endsWith('y') ? `${noun.slice(0, -1)}ies` : `${noun}s`);

/** {name} or {workers:noun}; a worker's number follows its name ({worker2}). */
const NAME = /\{([a-z]+)(\d*)(?::([a-z]+))?\}/g;

export const KNOWN_NAMES = ['master', 'worker', 'address', 'bind', 'workers', 'timeout', 'app'] as const;
const KNOWN_LIST = `${KNOWN_NAMES.map(n => `{${n}}`).join(', ')}, {worker2}, {workers:noun}`;

function value(names: Names, name: string, index: string, noun: string | undefined): string | undefined {
	if (noun !== undefined)
		return name === 'workers' ? `${inWords(names.count)} ${names.count === 1 ? noun : plural(noun)}` : undefined;
	if (index && name !== 'worker') return undefined;
	switch (name) {
		case 'master':
			return names.master;
		case 'worker':
			return names.workers[(index ? Number(index) : 1) - 1] ?? 'another worker';
		case 'address':
			return names.address;
		case 'bind':
			return `${names.address === DEFAULT_ADDRESS ? 'the default address' : 'the address'} ${names.address}`;
		case 'workers':
			return inWords(names.count);
		case 'timeout':
			return String(names.timeout);
		case 'app':
			return names.app;
	}
	return undefined;
}

export function render(text: string, names: Names): string {
	return text.replace(NAME, (whole, name: string, index: string, noun?: string) => {
		return value(names, name, index, noun) ?? whole;
	});
}

/** What is wrong with a text's names for this cast (an unknown name, a worker it does not have), or undefined. */
export function nameProblem(text: string, cast: Cast | undefined): string | undefined {
	for (const [whole, name, index, noun] of text.matchAll(NAME)) {
		const known = (KNOWN_NAMES as readonly string[]).includes(name);
		if (!known || (index && name !== 'worker') || (noun !== undefined && name !== 'workers'))
			return `unknown name ${whole} (known: ${KNOWN_LIST})`;
		if (!cast) return `names ${whole}, but the lesson has no cast to render it with`;
		const n = index ? Number(index) : 1;
		if (name === 'worker' && (n < 1 || n > cast.workers.length))
			return `names ${whole}, but the cast has ${cast.workers.length} workers`;
	}
	return undefined;
}

export const scriptedNames = (cast: Cast): Names => ({
	master: String(cast.master),
	workers: cast.workers.map(String),
	address: cast.address,
	count: cast.count,
	timeout: cast.timeout,
	app: cast.app,
});
