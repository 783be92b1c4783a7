// Ink's incremental rendering (only changed lines are rewritten) must leave the screen exactly
// as a fresh full draw of the same state would: the Ink 6.8 defect patched at bundle time
// (source/build/patches.mjs, Ink #909) put each update one row low, left stale rows and,
// after a shorter resize, kept rows the terminal had moved.
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {applyPatches, PATCHES} from '../source/build/patches.mjs';
import {KEYS, TerminalSession} from './support/terminal';

const sessions: TerminalSession[] = [];
afterEach(() => {
	for (const s of sessions.splice(0)) s.kill();
});

function start(args: string[] = [], cols = 80, rows = 24) {
	const session = new TerminalSession(args, {cols, rows, env: {XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'gw-render-'))}});
	sessions.push(session);
	return session;
}

/** The screen once the app has stopped writing (Ink throttles frames, a resize re-renders twice). */
async function settled(t: TerminalSession): Promise<string[]> {
	let seen = -1;
	while (seen !== t.output.length) {
		seen = t.output.length;
		await new Promise(resolve => setTimeout(resolve, 250));
	}
	return t.screen();
}

/** What a freshly started app shows for this state: its first frame is one full draw. */
async function fresh(step: number, panel: number, cols = 80, rows = 24): Promise<string[]> {
	const t = start(['--step', String(step), '--panel', String(panel)], cols, rows);
	await t.waitFor(`Step ${step}/9`);
	const screen = await settled(t);
	t.kill();
	return screen;
}

/** Presses keys one at a time (Ink reads a burst as one input), then waits for the screen. */
async function press(t: TerminalSession, keys: string[], until: string | ((s: string) => boolean)) {
	for (const key of keys) {
		t.write(key);
		await settled(t);
	}
	await t.waitFor(until);
	return settled(t);
}

describe('incremental rendering in a real terminal', () => {
	test('steps, panels and the help overlay update in place, as a fresh draw shows them', async () => {
		const t = start();
		await t.waitFor('Step 1/9');
		await settled(t);
		for (let step = 2; step <= 5; step++) {
			expect(await press(t, ['n'], `Step ${step}/9`), `step ${step}`).toEqual(await fresh(step, 1));
		}
		expect(await press(t, ['3'], '[3 Table]'), 'table at step 5').toEqual(await fresh(5, 3));
		expect(await press(t, ['p', 'p'], s => s.includes('Step 3/9')), 'back to step 3').toEqual(await fresh(3, 3));

		const overlay = await press(t, ['?'], 'Keys (the same on every panel)');
		const base = await fresh(3, 3);
		expect(overlay.slice(0, 3), 'header and title stay on the top rows').toEqual(base.slice(0, 3));
		expect(overlay[3]).toBe('Keys (the same on every panel)');
		expect(overlay[22]).toMatch(/Esc/);
		expect(overlay[23], 'the row below the frame stays empty').toBe('');
		// The same overlay opened from a fresh frame: one update, against many before it.
		const other = start(['--step', '3', '--panel', '3']);
		await other.waitFor('Step 3/9');
		expect(await press(other, ['?'], 'Keys (the same on every panel)')).toEqual(overlay);

		expect(await press(t, [KEYS.esc], s => !s.includes('Keys (the same')), 'overlay closed').toEqual(base);
		expect(await press(t, [KEYS.end], 'Step 9/9'), 'last step').toEqual(await fresh(9, 3));
		expect(await press(t, ['1', KEYS.home], s => s.includes('Step 1/9') && s.includes('[1 Flow]')), 'first step').toEqual(await fresh(1, 1));
	});

	test('resizes, taller, shorter, wider and narrower, redraw what a fresh start shows', async () => {
		const t = start(['--step', '4', '--panel', '1']);
		await t.waitFor('Step 4/9');
		await settled(t);
		for (const [cols, rows] of [
			[80, 30],
			[80, 24],
			[100, 24],
			[80, 20],
			[80, 24],
		]) {
			t.resize(cols, rows);
			const screen = await settled(t);
			expect(screen, `${cols}x${rows}`).toEqual(await fresh(4, 1, cols, rows));
		}
	});
});

describe('the bundle-time patches of dependencies', () => {
	test('apply to the installed packages, and refuse text that is not there exactly once', async () => {
		const {readFileSync} = await import('node:fs');
		const root = new URL('..', import.meta.url).pathname;
		for (const file of new Set(PATCHES.map(p => p.file))) {
			const patched = applyPatches(file, readFileSync(join(root, 'node_modules', file), 'utf8'));
			for (const p of PATCHES.filter(p => p.file === file)) expect(patched).toContain(p.replace);
		}
		const patch = PATCHES[0];
		expect(() => applyPatches(patch.file, 'nothing to patch here')).toThrow(/not found/);
		expect(() => applyPatches(patch.file, patch.find + patch.find)).toThrow(/more than once/);
	});
});
