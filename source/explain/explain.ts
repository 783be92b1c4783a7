// `gunicorn-walkthrough explain [--run] [--] gunicorn ARGS...`: every option of a Gunicorn
// command line (and of its -c config file) in plain words, at most 80 columns. Pure: the
// caller prints the text, or the one-line error, and decides about --run.
import {readFileSync} from 'node:fs';
import {CHAPTERS} from '../lesson/chapters';
import {lessonSteps} from '../lesson/script';
import {LABS} from './labs';
import {NOTES, SECTIONS, type Note} from './notes';
import {
	distance,
	nearestFlag,
	optionNamed,
	OPTIONS,
	readCommandLine,
	versions,
	type GivenOption,
	type GunicornOption,
} from './options';

export const WIDTH = 80;

const USAGE = `Usage: gunicorn-walkthrough explain [--run] [--] gunicorn [OPTIONS] [APP_MODULE]
       gunicorn-walkthrough explain -c FILE
Explains every option (and every setting of the -c file): what it does, its
default, the lesson step where it acts, common mistakes, the versions that have
it. --run then attaches the walkthrough to Gunicorn with those options.
`;

export interface Explained {
	text: string;
	app?: string;
	config?: string; // the -c file named on the command line
	gunicorn: string[]; // the options as given, without -c FILE and APP_MODULE
	run: boolean;
}

/** A step's title without the lesson's scripted pids (4121), which would mean nothing here. */
const unscripted = (title: string) => {
	const said = title.replace(/\b(worker )?\d{4,}\b/gi, 'a worker');
	return said[0].toUpperCase() + said.slice(1);
};
const STEP_TITLES = lessonSteps('default').map(step => unscripted(step.title));

/** Chapter NUMBER ("Title"), step N: the title, for --chapter N --step N. */
function whereTaught(chapter: string, step: number): string | undefined {
	const at = CHAPTERS.findIndex(c => c.id === chapter);
	const title = CHAPTERS[at]?.lesson('default').steps[step - 1]?.title;
	return title && `chapter ${at + 1} ("${CHAPTERS[at].title}"), step ${step}, "${unscripted(title)}"`;
}

/** Words to lines of at most width; a word longer than a line is cut. */
export function wrap(text: string, width: number, indent = ''): string[] {
	const room = width - indent.length;
	const words = text
		.split(/\s+/)
		.filter(Boolean)
		.flatMap(word => word.match(new RegExp(`.{1,${room}}`, 'g')) ?? []);
	const lines: string[] = [];
	let line = '';
	for (const word of words) {
		if (line && line.length + 1 + word.length > room) {
			lines.push(indent + line);
			line = word;
		} else line = line ? `${line} ${word}` : word;
	}
	if (line) lines.push(indent + line);
	return lines;
}

const noteFor = (option: GunicornOption): Note =>
	NOTES[option.name] ?? SECTIONS[option.section] ?? {step: 1, does: 'Read by the master at start.'};

/** A default read from config.py's code, in words: the environment variable it falls back on said so. */
function valueText(code: string): string {
	const env = /^os\.environ\.get\('(\w+)', (.*)\)$/.exec(code);
	return env ? `${env[2]}, or $${env[1]}` : code;
}

function defaultText(option: GunicornOption): string {
	if (option.name === 'workers') return '1, or $WEB_CONCURRENCY when set';
	if (option.name === 'bind') return '127.0.0.1:8000, or 0.0.0.0:$PORT when $PORT is set';
	if (option.name === 'user' || option.name === 'group') return 'the user or group Gunicorn starts as';
	if (option.name === 'pre_request') return 'logs "METHOD PATH" at debug level';
	if (option.name === 'ssl_context') return "Gunicorn's own, built from the SSL settings";
	if (/^staticmethod\(/.test(option.default ?? '')) return 'does nothing';
	const now = option.default === null ? 'none' : valueText(option.default);
	// Changed since 20.1: both, since the walkthrough runs 20.1 and a reader may run the newest.
	return option.default_first === undefined
		? now
		: `${now} (before ${option.default_since}: ${valueText(option.default_first)})`;
}

export interface Style {
	heading(text: string): string;
}
export const PLAIN: Style = {heading: text => text};

/** One option's explanation: what, default, where in the lifecycle, lab, mistakes, versions. */
export function explainOption(
	option: GunicornOption,
	shown: string,
	width = WIDTH,
	style = PLAIN,
	extra: string[] = [],
): string[] {
	const note = noteFor(option);
	const flags = option.cli.map(span => span.flag).join(', ');
	const lines = [style.heading(shown.length > width ? shown.slice(0, width - 1) + '…' : shown)];
	// "  Label: text", continued four spaces in.
	const field = (label: string, text: string) =>
		lines.push(...wrap(`${label}: ${text}`, width, '    ').map((line, i) => (i ? line : line.slice(2))));
	field('What', option.summary || option.name);
	field('Setting', `${option.name}${flags ? ` (${flags})` : ' (config file only)'}; default ${defaultText(option)}`);
	field('Lifecycle', `chapter 1, step ${note.step}, "${STEP_TITLES[note.step - 1]}". ${note.does}`);
	const also = (note.also ?? []).map(([chapter, step]) => whereTaught(chapter, step)).filter(Boolean);
	if (also.length) field('Also', `${also.join('; ')}.`);
	const lab = LABS[option.name];
	if (lab) field('Lab', lab);
	for (const mistake of note.mistakes ?? []) field('Mistake', mistake);
	const only = versions(option);
	if (only) field('Versions', only);
	if (option.optional)
		field(
			'Versions',
			`a flag without a value before ${option.value_since}; since then it takes ${option.cli.at(-1)?.flag}=` +
				`${option.meta}, and without one it means ${option.bare}`,
		);
	for (const line of extra) field('Note', line);
	return lines;
}

function shownAs(given: GivenOption): string {
	return given.value === undefined ? given.written : `${given.written} ${given.value}`;
}

/** Top-level assignments and defs of a Python config file, read as text (never run). */
export function configNames(source: string): Array<{name: string; text: string}> {
	const names: Array<{name: string; text: string}> = [];
	for (const line of source.split('\n')) {
		const match = /^(?:def\s+([A-Za-z_]\w*)\s*\(|([A-Za-z_]\w*)\s*=(?!=))\s*(.*)$/.exec(line);
		if (!match) continue;
		const name = match[1] ?? match[2];
		names.push({name, text: match[1] ? `def ${name}(...)` : `${name} = ${match[3].trim()}`});
	}
	return names;
}

function explainConfig(file: string, width: number, style: Style): string[] | {error: string} {
	let source: string;
	try {
		source = readFileSync(file, 'utf8');
	} catch (error) {
		return {
			error: `cannot read the config file ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
		};
	}
	const lines: string[] = [];
	const ignored: string[] = [];
	for (const {name, text} of configNames(source)) {
		const option = optionNamed(name.toLowerCase());
		if (option) {
			lines.push('', ...explainOption(option, `${text}  (in ${file})`, width, style));
			continue;
		}
		// Gunicorn skips names that are not settings: a misspelt one is silently ignored.
		const near = nearestFlag(`--${name.replaceAll('_', '-')}`);
		const guess = OPTIONS.find(o => o.cli.some(span => span.flag === near));
		if (
			/^[a-z][a-z_]*$/.test(name) &&
			guess &&
			guess.name !== name &&
			name.length > 3 &&
			similar(name, guess.name)
		) {
			ignored.push(`${name}: not a Gunicorn setting, so Gunicorn ignores it; did you mean ${guess.name}?`);
		}
	}
	if (ignored.length)
		lines.push('', style.heading(`Ignored in ${file}`), ...ignored.flatMap(text => wrap(text, width, '  ')));
	return lines;
}

/** Close enough to be a typo: at most two letters apart. */
const similar = (a: string, b: string): boolean => distance(a, b) <= 2;

/** explain's own argv: [--run] [--] then the Gunicorn command line. */
export function explain(argv: string[], width = WIDTH, style = PLAIN): Explained | {error: string} {
	let words = [...argv];
	let run = false;
	while (words[0] === '--run') {
		run = true;
		words = words.slice(1);
	}
	if (words[0] === '--help' || words[0] === '-h') return {text: USAGE, gunicorn: [], run: false};
	if (words[0] === '--') words = words.slice(1);
	if (words.length === 0)
		return {
			error: 'explain needs a Gunicorn command line, e.g. explain gunicorn -w 3 mysite.wsgi (or explain -c FILE)',
		};
	const read = readCommandLine(words);
	if (read.error) return {error: read.error};
	const lines: string[] = [];
	const config = read.given.filter(g => g.option.name === 'config').at(-1)?.value;
	if (read.app) {
		const [module, variable = 'application'] = read.app.split(':');
		lines.push(
			style.heading(read.app),
			...wrap(
				`What: the WSGI app: Gunicorn imports the module ${module} and calls its object ${variable} for ` +
					'every request. Lifecycle: chapter 1, step 3, each worker imports it after the fork; with ' +
					'--preload the master imports it once, at step 1.',
				width,
				'  ',
			),
		);
	}
	for (const given of read.given) {
		const extra =
			given.written !== given.flag && given.written.startsWith('--')
				? [`Gunicorn reads ${given.written} as ${given.flag} (argparse accepts an unambiguous prefix).`]
				: [];
		lines.push('', ...explainOption(given.option, shownAs(given), width, style, extra));
	}
	if (config) {
		const more = explainConfig(config, width, style);
		if ('error' in more) return more;
		lines.push(...more);
	}
	if (lines[0] === '') lines.shift();
	return {text: lines.join('\n') + '\n', app: read.app, config, gunicorn: withoutConfigAndApp(read), run};
}

/** The options to hand on to Gunicorn: all but -c FILE (ours wraps it) and APP_MODULE. */
function withoutConfigAndApp(read: ReturnType<typeof readCommandLine>): string[] {
	return read.given
		.filter(g => g.option.name !== 'config')
		.flatMap(g => (g.value === undefined ? [g.flag] : [g.flag, g.value]));
}
