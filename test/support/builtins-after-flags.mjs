// `node --import` this: Node's own modules loaded after the first v8.setFlagsFromString, written to
// $GW_BUILTINS_AFTER_FLAGS (one a line) on SIGUSR2, for test/heap-flags.test.ts.
import {renameSync, writeFileSync} from 'node:fs';
import v8 from 'node:v8';

const set = v8.setFlagsFromString;
let from;
v8.setFlagsFromString = flags => {
	from ??= process.moduleLoadList.length;
	return set(flags);
};
process.on('SIGUSR2', () => {
	const after = from === undefined ? ['(no flags were set)'] : process.moduleLoadList.slice(from);
	const builtins = after.filter(m => !m.startsWith('Internal Binding'));
	const file = process.env.GW_BUILTINS_AFTER_FLAGS;
	writeFileSync(`${file}.part`, builtins.join('\n'));
	renameSync(`${file}.part`, file); // whole, or not there yet
});
