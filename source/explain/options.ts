// Gunicorn's settings, 20.1 to the newest release (options.json, made by extract.py from each
// release's gunicorn/config.py), and a command line read the way Gunicorn's argparse reads it.
import table from './options.json';

export interface FlagSpan {
	flag: string;
	since?: string; // the first release that has it; absent: 20.1 already did
	until?: string; // the first release without it; absent: the newest still has it
}

export interface GunicornOption {
	name: string; // the setting's name, as a config file writes it
	cli: FlagSpan[];
	section: string;
	meta: string | null; // the value's placeholder in --help (INT, FILE, ...)
	flag: boolean; // takes no value
	default: string | null; // the newest release's
	default_first?: string; // 20.1's, when the newest release's differs
	default_since?: string; // the release that brought the newest default
	optional?: boolean; // the value may be left out (argparse nargs "?")
	bare?: string; // the value it then means (argparse const)
	value_since?: string; // the release since which it takes a value: before, a flag
	summary: string; // the first sentence of Gunicorn's own description
	since: string | null;
	until: string | null;
}

export const RELEASES = table.releases as [string, string];
export const OPTIONS = table.options as GunicornOption[];
const BY_NAME = new Map(OPTIONS.map(option => [option.name, option]));
const BY_FLAG = new Map(OPTIONS.flatMap(option => option.cli.map(span => [span.flag, option] as const)));
const FLAGS = [...BY_FLAG.keys()];

export const optionNamed = (name: string) => BY_NAME.get(name);
export const optionOfFlag = (flag: string) => BY_FLAG.get(flag);

/** Which releases have it, in words; undefined when every release from 20.1 on does. */
export function versions(span: {since?: string | null; until?: string | null}): string | undefined {
	if (span.since && span.until) return `only Gunicorn ${span.since} to before ${span.until}`;
	if (span.since) return `Gunicorn ${span.since} and later (not ${RELEASES[0]})`;
	if (span.until) return `Gunicorn ${RELEASES[0]} to before ${span.until} (removed in ${span.until})`;
	return undefined;
}

/** Levenshtein distance: letters to add, drop or change to turn a into b. */
export function distance(a: string, b: string): number {
	const row = Array.from({length: b.length + 1}, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		let diagonal = row[0];
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const above = row[j];
			row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
			diagonal = above;
		}
	}
	return row[b.length];
}

/** The valid flag closest to a misspelt one (a setting's name with underscores counts too). */
export function nearestFlag(flag: string): string {
	const asName = BY_NAME.get(flag.replace(/^-+/, '').replaceAll('-', '_'));
	if (asName?.cli[0]) return asName.cli.at(-1)!.flag;
	const long = FLAGS.filter(f => f.startsWith('--') === flag.startsWith('--'));
	return (long.length ? long : FLAGS).reduce((best, f) => (distance(flag, f) < distance(flag, best) ? f : best));
}

export interface GivenOption {
	option: GunicornOption;
	flag: string; // the flag as Gunicorn knows it (an abbreviation resolved)
	written: string; // as the user wrote it
	value?: string;
}

export interface ReadCommandLine {
	given: GivenOption[];
	app?: string; // APP_MODULE, the one positional
	error?: string;
}

/** argparse accepts any unambiguous prefix of a long option (allow_abbrev), as Gunicorn's parser does. */
function resolveLong(flag: string): {flag?: string; error?: string} {
	if (BY_FLAG.has(flag)) return {flag};
	const prefixed = FLAGS.filter(f => f.startsWith('--') && f.startsWith(flag));
	if (prefixed.length === 1) return {flag: prefixed[0]};
	if (prefixed.length > 1) return {error: `ambiguous Gunicorn option ${flag}: it could be ${prefixed.join(', ')}`};
	return {error: `unknown Gunicorn option ${flag}; did you mean ${nearestFlag(flag)}?`};
}

/** Reads `[gunicorn|python -m gunicorn] [OPTIONS] [APP_MODULE]`; stops at the first problem. */
export function readCommandLine(argv: string[]): ReadCommandLine {
	const words = [...argv];
	if (/(^|\/)gunicorn$/.test(words[0] ?? '')) words.shift();
	else if (/(^|\/)python[\d.]*$/.test(words[0] ?? '') && words[1] === '-m' && words[2] === 'gunicorn')
		words.splice(0, 3);
	const given: GivenOption[] = [];
	const positional: string[] = [];
	for (let i = 0; i < words.length; i++) {
		const word = words[i];
		if (word === '--') {
			positional.push(...words.slice(i + 1));
			break;
		}
		if (!word.startsWith('-') || word === '-') {
			positional.push(word);
			continue;
		}
		let flag: string;
		let value: string | undefined;
		if (word.startsWith('--')) {
			const [name, ...rest] = word.split('=');
			const resolved = resolveLong(name);
			if (!resolved.flag) return {given, error: resolved.error};
			flag = resolved.flag;
			value = rest.length ? rest.join('=') : undefined;
		} else {
			flag = word.slice(0, 2); // -w4 is -w 4
			if (!BY_FLAG.has(flag))
				return {given, error: `unknown Gunicorn option ${flag}; did you mean ${nearestFlag(flag)}?`};
			value = word.length > 2 ? word.slice(2).replace(/^=/, '') : undefined;
		}
		const option = BY_FLAG.get(flag)!;
		if (option.flag && value !== undefined)
			return {given, error: `Gunicorn option ${flag} takes no value (got "${word}")`};
		// An optional value is read only after `=`: bare, it is the flag it was in 20.1, and the next word
		// stays the APP_MODULE it was.
		if (!option.flag && !option.optional && value === undefined) {
			value = words[++i];
			if (value === undefined)
				return {given, error: `Gunicorn option ${flag} needs a value (${option.meta ?? 'VALUE'})`};
		}
		given.push({option, flag, written: word.split('=')[0], value});
	}
	if (positional.length > 1)
		return {given, error: `Gunicorn takes one APP_MODULE, got ${positional.length}: ${positional.join(' ')}`};
	return {given, app: positional[0]};
}
