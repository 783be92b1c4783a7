// `explain`: prints the explanation (bold headings only on a terminal that shows colour), or
// one line and exit 2; with --run it then attaches the walkthrough to Gunicorn with those options.
import process from 'node:process';
import {parseArgs} from '../cli/args';
import {complain} from '../cli/complain';
import {explain, PLAIN, WIDTH, type Style} from './explain';

function style(): Style {
	const colour = process.stdout.isTTY && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
	return colour ? {heading: text => `\x1b[1m${text}\x1b[22m`} : PLAIN;
}

export async function runExplain(argv: string[]): Promise<number> {
	const width = Math.min(WIDTH, process.stdout.isTTY ? process.stdout.columns || WIDTH : WIDTH);
	const result = explain(argv, width, style());
	if ('error' in result) {
		complain(result.error);
		return 2;
	}
	process.stdout.write(result.text);
	if (!result.run) return 0;
	if (!result.app) {
		complain('explain --run needs the APP_MODULE on the command line, e.g. mysite.wsgi:application');
		return 2;
	}
	// The same path as --gunicorn with a project: Gunicorn starts in this directory.
	const invocation = parseArgs([
		'--gunicorn',
		result.app,
		...(result.config ? ['--config', result.config] : []),
		'--',
		...result.gunicorn,
	]);
	if (invocation.mode === 'error') {
		complain(invocation.message);
		return 2;
	}
	if (invocation.mode !== 'walkthrough') return 2;
	if (!process.stdin.isTTY || !process.stdout.isTTY) {
		complain('explain --run needs an interactive terminal');
		return 2;
	}
	const {runWalkthrough} = await import('../ui/run');
	return runWalkthrough(invocation);
}
