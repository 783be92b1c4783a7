#!/usr/bin/env node
// Makes the README's pictures from the running app: drives the built CLI in a real
// pseudo-terminal at 80x24, reads the screen from a terminal emulator, writes SVG.
// Usage: npm run build && node media/capture.mjs
import {writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import pty from 'node-pty';
import xterm from '@xterm/headless';

const here = fileURLToPath(new URL('.', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const PALETTE = [
	'#1e1e1e',
	'#f14c4c',
	'#23d18b',
	'#f5f543',
	'#3b8eea',
	'#d670d6',
	'#29b8db',
	'#e5e5e5',
	'#666666',
	'#f14c4c',
	'#23d18b',
	'#f5f543',
	'#3b8eea',
	'#d670d6',
	'#29b8db',
	'#ffffff',
];
const FG = '#d4d4d4';
const BG = '#1e1e1e';

async function shoot(name, keys, cols = 80, rows = 24) {
	const env = {
		...process.env,
		TERM: 'xterm-256color',
		FORCE_COLOR: '1',
		XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'gw-media-')),
	};
	delete env.CI;
	const term = new xterm.Terminal({cols, rows, allowProposedApi: true});
	const child = pty.spawn(process.execPath, [cli], {name: 'xterm-256color', cols, rows, env});
	let pending = Promise.resolve();
	child.onData(d => (pending = pending.then(() => new Promise(r => term.write(d, r)))));
	const sleep = ms => new Promise(r => setTimeout(r, ms));
	await sleep(1500);
	for (const k of keys) {
		child.write(k);
		await sleep(250);
	}
	await sleep(500);
	await pending;
	writeFileSync(join(here, name), svg(term, cols, rows));
	child.kill();
	console.log(`wrote media/${name}`);
}

const colour = (mode, value, fallback) =>
	mode === 'P' ? (PALETTE[value] ?? fallback) : mode === 'RGB' ? `#${value.toString(16).padStart(6, '0')}` : fallback;
const esc = s => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function styleAt(line, x, cell) {
	line.getCell(x, cell);
	return {
		fg: cell.isFgDefault() ? FG : colour(cell.isFgPalette() ? 'P' : 'RGB', cell.getFgColor(), FG),
		bg: cell.isBgDefault() ? null : colour(cell.isBgPalette() ? 'P' : 'RGB', cell.getBgColor(), BG),
		bold: cell.isBold(),
		dim: cell.isDim(),
		inverse: cell.isInverse(),
	};
}

function svg(term, cols, rows) {
	const cw = 8.4;
	const ch = 17;
	const buffer = term.buffer.active;
	const spans = [];
	const cell = buffer.getNullCell();
	for (let y = 0; y < rows; y++) {
		const line = buffer.getLine(buffer.viewportY + y);
		if (!line) continue;
		let x = 0;
		while (x < cols) {
			const style = styleAt(line, x, cell);
			let text = '';
			const start = x;
			const same = s =>
				s.fg === style.fg &&
				s.bg === style.bg &&
				s.bold === style.bold &&
				s.dim === style.dim &&
				s.inverse === style.inverse;
			while (x < cols) {
				if (!same(styleAt(line, x, cell))) break;
				text += cell.getChars() || ' ';
				x += Math.max(1, cell.getWidth());
			}
			let {fg, bg} = style;
			if (style.inverse) [fg, bg] = [bg ?? BG, fg];
			if (bg)
				spans.push(
					`<rect x="${(start * cw).toFixed(1)}" y="${y * ch}" width="${((x - start) * cw).toFixed(1)}" ` +
						`height="${ch}" fill="${bg}"/>`,
				);
			if (text.trim()) {
				spans.push(
					`<text x="${(start * cw).toFixed(1)}" y="${y * ch + 13}" ` +
						`fill="${fg}"${style.bold ? ' font-weight="bold"' : ''}${style.dim ? ' opacity="0.6"' : ''}` +
						` xml:space="preserve">${esc(text)}</text>`,
				);
			}
		}
	}
	const w = (cols * cw).toFixed(0);
	const h = rows * ch;
	return (
		`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ` +
		`font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14">\n<rect width="100%" ` +
		`height="100%" fill="${BG}"/>\n${spans.join('\n')}\n</svg>\n`
	);
}

const RIGHT = '\x1b[C';
await shoot('walkthrough-flow.svg', [RIGHT, RIGHT, RIGHT, RIGHT]);
await shoot('walkthrough-table.svg', [RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, '3']);
await shoot('walkthrough-quiz.svg', ['6', 'b', 'h']);
