// `node --import ./source/build/record-loads.mjs app.js` appends every file the app loads to
// $GW_RECORD_LOADS, one path a line: how the tests and the bench see which chunks a mode pays for.
import {register} from 'node:module';

if (process.env.GW_RECORD_LOADS)
	register('./load-hooks.mjs', import.meta.url, {data: {file: process.env.GW_RECORD_LOADS}});
