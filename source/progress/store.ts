// Saved progress: step, panel and quiz answers, under $XDG_CONFIG_HOME/gunicorn-walkthrough/.
// Written atomically (temp file + rename). Nothing here ever throws at the caller: a corrupt
// file is moved aside, an unwritable directory turns saving off, each with a notice.
import {mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import process from 'node:process';
import type {Progress} from '../ui/contracts';

export const configDir = () => join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'gunicorn-walkthrough');

export interface Loaded {
	progress?: Partial<Progress>;
	notice?: string;
}

const valid = (p: unknown): p is Partial<Progress> => {
	if (typeof p !== 'object' || p === null) return false;
	const {step, panel, answers} = p as Record<string, unknown>;
	const int = (v: unknown, max: number) => v === undefined || (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max);
	const answersOk = answers === undefined || (typeof answers === 'object' && answers !== null && Object.values(answers).every(v => Number.isInteger(v)));
	return int(step, 9) && int(panel, 10) && answersOk;
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
			text = readFileSync(this.file, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
			return {notice: `Could not read saved progress (${(error as NodeJS.ErrnoException).code}); starting over.`};
		}
		try {
			const progress: unknown = JSON.parse(text);
			if (!valid(progress)) throw new Error('invalid');
			return {progress, notice: `Resumed at step ${progress.step ?? 1} (--reset starts over).`};
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
			mkdirSync(join(this.file, '..'), {recursive: true});
			const temp = `${this.file}.${process.pid}.tmp`;
			writeFileSync(temp, JSON.stringify({step, panel, answers}) + '\n');
			renameSync(temp, this.file);
		} catch (error) {
			this.disabled = true;
			this.notice = `Progress is not saved: ${(error as NodeJS.ErrnoException).code ?? 'error'} writing ${this.file}.`;
		}
	}

	reset(): void {
		rmSync(this.file, {force: true});
	}
}

/** Where a walkthrough starts: saved progress (unless --reset), then --step and --panel over it. */
export function startingPoint(store: ProgressStore, inv: {reset: boolean; step?: number; panel?: number}): {initial: Partial<Progress>; notice?: string} {
	if (inv.reset) store.reset();
	const loaded = inv.reset ? {} : store.load();
	return {initial: {...loaded.progress, ...(inv.step ? {step: inv.step} : {}), ...(inv.panel ? {panel: inv.panel} : {})}, notice: loaded.notice};
}
