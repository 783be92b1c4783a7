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
import {labById} from '../labs/labs';
import type {LabOutcome} from '../labs/machine';
import type {LabId} from '../labs/types';
import {CHAPTERS, findChapter} from '../lesson/chapters';
import type {ChapterProgress, Progress} from '../ui/contracts';
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

const isInt = (v: unknown, min: number, max: number) =>
	Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** One chapter's saved place, checked against that chapter's lesson; undefined when it does not fit. */
function readChapter(id: string, value: unknown): ChapterProgress | undefined {
	const chapter = findChapter(id);
	if (!chapter || typeof value !== 'object' || value === null) return undefined;
	const steps = chapter.lesson('default').steps.length;
	const {step = 1, panel = 'flow', answers = {}, seen} = value as Record<string, unknown>;
	const panelId = savedPanel(panel);
	const answersOk =
		typeof answers === 'object' && answers !== null && Object.values(answers).every(v => Number.isInteger(v));
	const seenOk = seen === undefined || (Array.isArray(seen) && seen.every(n => isInt(n, 1, steps)));
	if (!isInt(step, 1, steps) || !panelId || !answersOk || !seenOk) return undefined;
	return {
		step: step as number,
		panel: panelId,
		answers: answers as Record<string, number>,
		...(seen ? {seen: seen as number[]} : {}),
	};
}

/**
 * Saved progress: {chapter, chapters: {id: {step, panel, answers, seen}}}. A file from before
 * chapters ({step, panel: a number, answers}) is chapter 1's. Undefined when it does not fit.
 */
export function readProgress(json: unknown): Partial<Progress> | undefined {
	if (typeof json !== 'object' || json === null) return undefined;
	const saved = json as Record<string, unknown>;
	if (saved.chapters === undefined) {
		const only = readChapter(CHAPTERS[0].id, saved);
		return only && {chapter: CHAPTERS[0].id, chapters: {[CHAPTERS[0].id]: only}, ...only};
	}
	if (typeof saved.chapters !== 'object' || saved.chapters === null || typeof saved.chapter !== 'string')
		return undefined;
	const chapters: Record<string, ChapterProgress> = {};
	for (const [id, value] of Object.entries(saved.chapters)) {
		if (!findChapter(id)) continue; // a chapter this version does not have: kept out, not an error
		const read = readChapter(id, value);
		if (!read) return undefined;
		chapters[id] = read;
	}
	return {...chapterAt(chapters, saved.chapter), chapters, ...readLabs(saved.labs)};
}

const OUTCOMES = ['not tried', 'predicted', 'acting', 'right', 'wrong', 'observed'];

/** The labs' outcomes; files from before labs have none, and a lab this version lacks is left out. */
function readLabs(value: unknown): Pick<Progress, 'labs'> {
	if (typeof value !== 'object' || value === null) return {};
	const labs: NonNullable<Progress['labs']> = {};
	for (const [id, saved] of Object.entries(value as Record<string, unknown>)) {
		const {outcome, prediction} = (saved ?? {}) as Record<string, unknown>;
		if (!labById(id) || typeof outcome !== 'string' || !OUTCOMES.includes(outcome)) continue;
		const predicted = typeof prediction === 'number' && Number.isFinite(prediction) ? {prediction} : {};
		labs[id as LabId] = {outcome: outcome as LabOutcome, ...predicted};
	}
	return {labs};
}

/** The saved chapters with `id` open: its own step, panel and answers on top. */
function chapterAt(chapters: Record<string, ChapterProgress>, id: string): Partial<Progress> {
	const chapter = findChapter(id)?.id ?? CHAPTERS[0].id;
	return {chapter, ...chapters[chapter]};
}

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
			const progress = readProgress(JSON.parse(text));
			if (!progress) throw new Error('invalid');
			return {progress, notice: resumed(progress)};
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
		const {chapter, step, panel, answers, seen, labs} = progress;
		const chapters = {...progress.chapters, [chapter ?? CHAPTERS[0].id]: {step, panel, answers, seen}};
		try {
			makeDir(join(this.file, '..'));
			const temp = `${this.file}.${process.pid}.tmp`;
			writeRegular(
				temp,
				JSON.stringify({
					chapter: chapter ?? CHAPTERS[0].id,
					chapters,
					...(labs && Object.keys(labs).length ? {labs} : {}),
				}) + '\n',
			);
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

const resumed = (p: Partial<Progress>) =>
	`Resumed ${p.chapter === CHAPTERS[0].id ? '' : `chapter ${CHAPTERS.findIndex(c => c.id === p.chapter) + 1} `}` +
	`at step ${p.step ?? 1} (--reset starts over).`;

/** Where a walkthrough starts: saved progress (unless --reset), then --chapter, --step and --panel over it. */
export function startingPoint(
	store: ProgressStore,
	inv: {reset: boolean; chapter?: string; step?: number; panel?: PanelId},
): {initial: Partial<Progress>; notice?: string} {
	const loaded: Loaded = inv.reset ? {notice: store.reset()} : store.load();
	const chapters = loaded.progress?.chapters ?? {};
	const at = inv.chapter ? chapterAt(chapters, inv.chapter) : (loaded.progress ?? {});
	const labs = loaded.progress?.labs;
	return {
		initial: {
			...at,
			chapters,
			...(labs ? {labs} : {}),
			...(inv.step ? {step: inv.step} : {}),
			...(inv.panel ? {panel: inv.panel} : {}),
		},
		// Another chapter than the saved one: resumed only if it was saved too.
		notice: inv.chapter && loaded.progress ? (at.step ? resumed(at) : undefined) : loaded.notice,
	};
}
