import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {expect, test} from 'vitest';
import {SCRIPTED_COMPILER_FLAGS, WALKTHROUGH_HEAP_FLAGS} from '../source/cli/heap';
import {TerminalSession, until} from './support/terminal';

// A child that churns garbage as frames do, with the flags set at run time as the bin sets them:
// V8 ignores a flag it does not know, so this checks they still bound the young generation.
const CHURN = `
import v8 from 'node:v8';
for (const flag of JSON.parse(process.argv[1])) v8.setFlagsFromString(flag);
let keep = [];
for (let i = 0; i < 2e6; i++) { keep.push({i, s: 'x' + i}); if (keep.length > 20000) keep = []; }
const young = v8.getHeapSpaceStatistics().find(s => s.space_name === 'new_space');
process.stdout.write(String(young.space_size / 1048576));
`;
const youngMb = (flags: string[]) =>
	Number(spawnSync(process.execPath, ['--input-type=module', '-e', CHURN, JSON.stringify(flags)]).stdout.toString());

test('the walkthrough heap flags keep the young generation small under churn', () => {
	const bounded = youngMb(WALKTHROUGH_HEAP_FLAGS);
	expect(bounded).toBeGreaterThan(0);
	// 2 MB on a quiet machine; when the cores are busy V8 still grows it a step or two (seen: 5.25 MB
	// with eight of these on two cores), never near its own 32 MB.
	expect(bounded).toBeLessThanOrEqual(8);
	expect(youngMb([])).toBeGreaterThanOrEqual(bounded * 4);
});

// A hot function, with the compiler flags set at run time as the bin sets them for the scripted
// lesson: V8's status bit 16 ("optimized", by Maglev or TurboFan) is set without them, not with.
const HOT = `
import v8 from 'node:v8';
for (const flag of JSON.parse(process.argv[1])) v8.setFlagsFromString(flag);
function hot(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
for (let i = 0; i < 20000; i++) hot(100);
process.stdout.write(String(eval('%GetOptimizationStatus(hot)')));
`;
const optimized = (flags: string[]) => {
	const args = ['--allow-natives-syntax', '--input-type=module', '-e', HOT, JSON.stringify(flags)];
	return (Number(spawnSync(process.execPath, args).stdout.toString()) & 16) !== 0;
};

test('the scripted lesson turns V8 optimizing compilers off at run time', () => {
	expect(optimized([])).toBe(true);
	expect(optimized(SCRIPTED_COMPILER_FLAGS)).toBe(false);
});

// Node's own modules bring code compiled under V8's default flags, refused once a flag changes: the
// walkthrough loads the ones its UI needs before setting its flags (BUILTINS_BEFORE_FLAGS). The usual
// start: no arguments (a fresh config folder stands for the first run).
test("to its first frame, the walkthrough loads none of Node's own modules after its V8 flags", async () => {
	const home = mkdtempSync(join(tmpdir(), 'gw-flags-'));
	const list = join(home, 'after-flags');
	const t = new TerminalSession([], {
		node: ['--import', fileURLToPath(new URL('support/builtins-after-flags.mjs', import.meta.url))],
		env: {GW_BUILTINS_AFTER_FLAGS: list, XDG_CONFIG_HOME: home},
	});
	try {
		await t.waitFor('Step 1/9');
		t.child.kill('SIGUSR2'); // the hook writes the list now: quitting may load more (Node 22's rimraf)
		await until('the list written', () => existsSync(list));
		expect(readFileSync(list, 'utf8').split('\n').filter(Boolean)).toEqual([]);
		t.write('q');
		expect((await t.exited).exitCode).toBe(0);
	} finally {
		t.kill();
		rmSync(home, {recursive: true, force: true});
	}
});
