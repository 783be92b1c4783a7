import {spawnSync} from 'node:child_process';
import {expect, test} from 'vitest';
import {WALKTHROUGH_HEAP_FLAGS} from '../source/cli/heap';

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
	expect(bounded).toBeLessThanOrEqual(4);
	expect(youngMb([])).toBeGreaterThan(bounded);
});
