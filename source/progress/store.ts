// Saved progress: step, panel and quiz answers, under $XDG_CONFIG_HOME/gunicorn-walkthrough/.
// Written atomically (temp file + rename). Nothing here ever throws at the caller: a corrupt
// file is moved aside, an unwritable directory turns saving off, each with a notice.
import {
	closeSync,
	constants,
	existsSync,
	fstatSync,
	mkdirSync,
	openSync,
	readFileSync,
	renameSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import {homedir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import process from 'node:process';
import {CHAPTERS} from '../lesson/chapters';
import type {Progress} from '../ui/contracts';
import {savedPanel, type PanelId} from '../ui/panels';

export const configDir = () => join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'gunicorn-walkthrough');

const code = (error: unknown) => (error as NodeJS.ErrnoException).code ?? 'error';

/**
 * The text of a regular file. Opened without blocking and checked before reading: a FIFO or a
 * device where a file should be would hang a plain read forever. Throws with code ENOTREG for those.
 */
export function readRegular(file: string): string {
	const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
	try {
		if (!fstatSync(fd).isFile()) throw Object.assign(new Error(`${file} is not a regular file`), {code: 'ENOTREG'});
		return readFileSync(fd, 'utf8');
	} finally {
		closeSync(fd);
	}
}

/** Writes a file, never blocking on a FIFO put where it goes (no reader: ENXIO). */
export function writeRegular(file: string, text: string, options: {mode?: number; exclusive?: boolean} = {}): void {
	const flags =
		constants.O_WRONLY |
		constants.O_CREAT |
		constants.O_NONBLOCK |
		(options.exclusive ? constants.O_EXCL : constants.O_TRUNC);
	const fd = openSync(file, flags, options.mode ?? 0o666);
	try {
		writeFileSync(fd, text);
	} finally {
		closeSync(fd);
	}
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdir loops forever where mkdir says ENOENT
 * for a directory whose parent exists (under /proc); here the first error is thrown.
 */
export function makeDir(dir: string, mode?: number): void {
	const missing: string[] = [];
	for (let d = resolve(dir); !existsSync(d) && dirname(d) !== d; d = dirname(d)) missing.unshift(d);
	for (const d of missing) mkdirSync(d, {mode});
}

export interface Loaded {
	progress?: Partial<Progress>;
	notice?: string;
}

/** Saved progress as read: the panel an id, or a number in files written before panel ids. */
const valid = (p: unknown): p is Partial<Omit<Progress, 'panel'>> & {panel?: unknown} => {
	if (typeof p !== 'object' || p === null) return false;
	const {step, panel, answers} = p as Record<string, unknown>;
	const int = (v: unknown, max: number) =>
		v === undefined || (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max);
	const answersOk =
		answers === undefined ||
		(typeof answers === 'object' && answers !== null && Object.values(answers).every(v => Number.isInteger(v)));
	return (
		int(step, CHAPTERS[0].lesson('default').steps.length) &&
		(panel === undefined || savedPanel(panel) !== undefined) &&
		answersOk
	);
};

export class ProgressStore {
	readonly file: string;
	private disabled = false;
	notice?: string;

	constructor(dir = configDir()) {
		this.file = join(dir, 'progress.json');
	}

	load(): Loaded {
		let text: string;
		try {
			text = readRegular(this.file);
		} catch (error) {
			if (code(error) === 'ENOENT') return {};
			if (code(error) === 'ENOTREG') {
				this.disabled = true; // never write over what is there
				return {notice: `${this.file} is not a regular file: progress is not saved.`};
			}
			return {notice: `Could not read saved progress (${code(error)}); starting over.`};
		}
		try {
			const progress: unknown = JSON.parse(text);
			if (!valid(progress)) throw new Error('invalid');
			const {panel, ...rest} = progress;
			const read = {...rest, ...(panel === undefined ? {} : {panel: savedPanel(panel)})};
			return {progress: read, notice: `Resumed at step ${progress.step ?? 1} (--reset starts over).`};
		} catch {
			const aside = `${this.file}.corrupt-${Date.now()}`;
			try {
				renameSync(this.file, aside);
				return {notice: `Saved progress was unreadable; moved it to ${aside} and started over.`};
			} catch {
				return {notice: 'Saved progress was unreadable; starting over.'};
			}
		}
	}

	save(progress: Progress): void {
		if (this.disabled) return;
		const {step, panel, answers} = progress;
		try {
			makeDir(join(this.file, '..'));
			const temp = `${this.file}.${process.pid}.tmp`;
			writeRegular(temp, JSON.stringify({step, panel, answers}) + '\n');
			renameSync(temp, this.file);
		} catch (error) {
			this.disabled = true;
			this.notice = `Progress is not saved: ${code(error)} writing ${this.file}.`;
		}
	}

	/** Forgets saved progress; a notice when it could not (a read-only disk, a directory in its place). */
	reset(): string | undefined {
		try {
			rmSync(this.file, {force: true});
		} catch (error) {
			return `Could not forget saved progress (${code(error)} removing ${this.file}); starting over anyway.`;
		}
		return undefined;
	}
}

/** Where a walkthrough starts: saved progress (unless --reset), then --step and --panel over it. */
export function startingPoint(
	store: ProgressStore,
	inv: {reset: boolean; step?: number; panel?: PanelId},
): {initial: Partial<Progress>; notice?: string} {
	const loaded: Loaded = inv.reset ? {notice: store.reset()} : store.load();
	return {
		initial: {...loaded.progress, ...(inv.step ? {step: inv.step} : {}), ...(inv.panel ? {panel: inv.panel} : {})},
		notice: loaded.notice,
	};
}
