// `npm run bench`: every section's figures in one table, and bench/results.json with the
// machine they were taken on. Sections: walkthrough.mjs here; server.mjs, workshop.mjs and room.mjs
// when they exist. Each exports run() -> [{section, metric, value, unit, goal, ok}].
import {existsSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import {cpus, availableParallelism, release} from 'node:os';
import {fileURLToPath} from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const rows = [];
for (const name of ['walkthrough', 'server', 'workshop', 'room', 'labs']) {
	if (!existsSync(`${here}${name}.mjs`)) continue;
	process.stderr.write(`bench: ${name} …\n`);
	const {run} = await import(`./${name}.mjs`);
	rows.push(...(await run()));
}

const memTotalKb = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
const machine = {
	nproc: availableParallelism(),
	cpu: cpus()[0]?.model ?? 'unknown',
	node: process.version,
	os: `${process.platform} ${release()}`,
	memory: `${Math.round(memTotalKb / 1024 / 1024)} GB`,
};

const cells = rows.map(r => [
	r.section,
	r.metric,
	`${typeof r.value === 'number' ? r.value.toLocaleString('en-US') : r.value} ${r.unit}`.trim(),
	r.goal || '',
	r.goal ? (r.ok ? 'yes' : 'NO') : '',
]);
const head = ['section', 'metric', 'value', 'goal', 'met'];
const table = [head, head.map(() => '---'), ...cells].map(c => `| ${c.join(' | ')} |`).join('\n');
process.stdout.write(
	`${table}\n\nMachine: ${machine.nproc} CPUs (${machine.cpu}), ${machine.memory}, ` +
		`Node ${machine.node}, ${machine.os}\n`,
);

// Written whole, then renamed: an interrupted run never leaves half a file.
writeFileSync(
	`${here}results.json.tmp`,
	JSON.stringify({date: new Date().toISOString(), machine, rows}, null, '\t') + '\n',
);
renameSync(`${here}results.json.tmp`, `${here}results.json`);
if (rows.some(r => r.goal && !r.ok)) process.stderr.write('bench: some goals are not met (see the table)\n');
