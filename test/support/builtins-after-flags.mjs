// `node --import` this: Node's own modules loaded after the first v8.setFlagsFromString, written to
// $GW_BUILTINS_AFTER_FLAGS at exit (one a line), for test/heap-flags.test.ts.
import {writeFileSync} from 'node:fs';
import v8 from 'node:v8';

const set = v8.setFlagsFromString;
let from;
v8.setFlagsFromString = flags => {
	from ??= process.moduleLoadList.length;
	return set(flags);
};
process.on('exit', () => {
	const after = from === undefined ? ['(no flags were set)'] : process.moduleLoadList.slice(from);
	const builtins = after.filter(m => !m.startsWith('Internal Binding'));
	writeFileSync(process.env.GW_BUILTINS_AFTER_FLAGS, builtins.join('\n'));
});
