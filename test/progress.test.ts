import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {ProgressStore} from '../source/progress/store';

const dir = () => join(mkdtempSync(join(tmpdir(), 'gw-progress-')), 'gunicorn-walkthrough');
const progress = {step: 4, panel: 'quiz' as const, answers: {'view-runs': 2}, following: false};

describe('saved progress', () => {
	test('saves atomically and loads it back with a notice', () => {
		const store = new ProgressStore(dir());
		expect(store.load()).toEqual({});
		store.save(progress);
		expect(JSON.parse(readFileSync(store.file, 'utf8'))).toEqual({
			chapter: 'request',
			chapters: {request: {step: 4, panel: 'quiz', answers: {'view-runs': 2}}},
		});
		expect(readdirSync(join(store.file, '..'))).toEqual(['progress.json']); // no temp file left
		expect(new ProgressStore(join(store.file, '..')).load()).toEqual({
			progress: {
				chapter: 'request',
				step: 4,
				panel: 'quiz',
				answers: {'view-runs': 2},
				chapters: {request: {step: 4, panel: 'quiz', answers: {'view-runs': 2}}},
			},
			notice: 'Resumed at step 4 (--reset starts over).',
		});
	});

	test('a corrupt or invalid file is moved aside with a notice', () => {
		for (const content of ['{not json', JSON.stringify({step: 40})]) {
			const d = dir();
			mkdirSync(d, {recursive: true});
			writeFileSync(join(d, 'progress.json'), content);
			const loaded = new ProgressStore(d).load();
			expect(loaded.progress).toBeUndefined();
			expect(loaded.notice).toMatch(/unreadable; moved it to .*progress\.json\.corrupt-\d+/);
			expect(existsSync(join(d, 'progress.json'))).toBe(false);
			expect(readdirSync(d).some(f => f.startsWith('progress.json.corrupt-'))).toBe(true);
		}
	});

	test('an unwritable directory turns saving off with a notice, never a crash', () => {
		const d = dir();
		mkdirSync(d, {recursive: true});
		chmodSync(d, 0o500);
		const store = new ProgressStore(join(d, 'sub')); // cannot even be created: works for root too
		chmodSync(d, 0o700);
		writeFileSync(join(d, 'sub'), 'a file where the directory should be');
		expect(() => store.save(progress)).not.toThrow();
		expect(store.notice).toMatch(/Progress is not saved: E\w+ writing/);
		expect(() => store.save(progress)).not.toThrow();
	});

	test('reset forgets', () => {
		const store = new ProgressStore(dir());
		store.save(progress);
		store.reset();
		expect(store.load()).toEqual({});
	});
});
