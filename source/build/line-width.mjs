// Fails, naming file:line, when a source line is wider than Biome's lineWidth (a tab counts as its
// indentWidth). Biome's formatter leaves long strings and comments whole; this catches them.
import {readdirSync, readFileSync} from 'node:fs';
import {join, relative} from 'node:path';
import process from 'node:process';

const root = join(import.meta.dirname, '../..');
const {formatter} = JSON.parse(readFileSync(join(root, 'biome.json'), 'utf8'));
const SKIP = new Set(['node_modules', 'dist', '.git', '.ci', 'fixtures']);
const SOURCE = /\.(ts|tsx|mts|mjs|js)$/;

function* sources(dir) {
	for (const entry of readdirSync(dir, {withFileTypes: true})) {
		if (SKIP.has(entry.name)) continue;
		const path = join(dir, entry.name);
		if (entry.isDirectory()) yield* sources(path);
		else if (SOURCE.test(entry.name)) yield path;
	}
}

const width = line => line.replaceAll('\t', ' '.repeat(formatter.indentWidth)).length;
const long = [];
for (const file of sources(root)) {
	readFileSync(file, 'utf8')
		.split('\n')
		.forEach((line, i) => {
			const columns = width(line);
			if (columns > formatter.lineWidth) long.push(`${relative(root, file)}:${i + 1}: ${columns} columns`);
		});
}
if (long.length) {
	process.stderr.write(`${long.join('\n')}\n${long.length} lines over ${formatter.lineWidth} columns\n`);
	process.exitCode = 1;
}
