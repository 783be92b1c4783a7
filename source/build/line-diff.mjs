// What to write to turn one terminal line into another: only the stretches of cells that changed.
// Patched into Ink's incremental log-update (see patches.mjs), which otherwise rewrites every
// changed line whole: moving the lit box in the flow diagram rewrote five 80-column lines of
// 3-byte box-drawing characters. Lines it cannot read cell by cell (other escapes, wide or
// combining characters) are written whole, as Ink does.

import {isNarrow} from './narrow.mjs';

const ESC = '\x1b[';
const SGR = /\x1b\[([0-9;]*)m/y;
const ATTRIBUTES = {
	1: 'bold',
	2: 'dim',
	3: 'italic',
	4: 'underline',
	7: 'inverse',
	8: 'hidden',
	9: 'strike',
	53: 'overline',
};
const OFF = {
	21: ['bold'],
	22: ['bold', 'dim'],
	23: ['italic'],
	24: ['underline'],
	27: ['inverse'],
	28: ['hidden'],
	29: ['strike'],
	55: ['overline'],
};
const ORDER = ['bold', 'dim', 'italic', 'underline', 'inverse', 'hidden', 'strike', 'overline'];
const CODE = {bold: 1, dim: 2, italic: 3, underline: 4, inverse: 7, hidden: 8, strike: 9, overline: 53};

/** Applies one SGR sequence's parameters to a style; false if it holds something we do not model. */
function applySgr(style, params) {
	const codes = params === '' ? [0] : params.split(';').map(Number);
	for (let i = 0; i < codes.length; i++) {
		const code = codes[i];
		if (code === 0) {
			for (const key of Object.keys(style)) delete style[key];
		} else if (ATTRIBUTES[code]) {
			style[ATTRIBUTES[code]] = true;
		} else if (OFF[code]) {
			for (const key of OFF[code]) delete style[key];
		} else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) {
			style.fg = String(code);
		} else if ((code >= 40 && code <= 47) || (code >= 100 && code <= 107)) {
			style.bg = String(code);
		} else if (code === 39) {
			delete style.fg;
		} else if (code === 49) {
			delete style.bg;
		} else if (code === 38 || code === 48) {
			const n = codes[i + 1] === 5 ? 3 : codes[i + 1] === 2 ? 5 : 0;
			if (n === 0 || i + n > codes.length) return false;
			style[code === 38 ? 'fg' : 'bg'] = codes.slice(i, i + n).join(';');
			i += n - 1;
		} else {
			return false;
		}
	}
	return true;
}

/** The SGR parameters that set `style` from the default: also its identity. */
function key(style) {
	const parts = ORDER.filter(name => style[name]).map(name => CODE[name]);
	if (style.fg) parts.push(style.fg);
	if (style.bg) parts.push(style.bg);
	return parts.join(';');
}

/** The line as cells: parallel lists of characters and style keys; undefined if we cannot diff it. */
export function cells(line) {
	const chars = [];
	const styles = [];
	const style = {};
	let current = '';
	for (let i = 0; i < line.length; ) {
		if (line.charCodeAt(i) === 0x1b) {
			SGR.lastIndex = i;
			const match = SGR.exec(line);
			if (!match || !applySgr(style, match[1])) return undefined;
			current = key(style);
			i = SGR.lastIndex;
			continue;
		}
		if (!isNarrow(line[i])) return undefined;
		chars.push(line[i]);
		styles.push(current);
		i++;
	}
	return {chars, styles};
}

function draw({chars, styles}, from, to) {
	let text = '';
	let style = '';
	for (let i = from; i < to; i++) {
		if (styles[i] !== style) {
			text += (style ? `${ESC}0m` : '') + (styles[i] ? `${ESC}${styles[i]}m` : '');
			style = styles[i];
		}
		text += chars[i];
	}
	return style ? `${text}${ESC}0m` : text;
}

const moveTo = column => 3 + String(column + 1).length; // ESC[nG
/** What draw() writes for cell i alone: its style, the character, the reset. */
const cellAlone = ({chars, styles}, i) => chars[i].length + (styles[i] ? styles[i].length + 7 : 0);

/**
 * What extending a stretch that ends at `to` to `end` adds to what draw() writes, counted
 * without building it (this runs for each gap of each changed line of each frame).
 */
function joined({chars, styles}, to, end) {
	let cost = 0;
	let style = styles[to - 1];
	for (let i = to; i < end; i++) {
		if (styles[i] !== style) {
			cost += (style ? 4 : 0) + (styles[i] ? styles[i].length + 3 : 0); // ESC[0m, ESC[...m
			style = styles[i];
		}
		cost += chars[i].length;
	}
	return cost + (style ? 4 : 0) - (styles[to - 1] ? 4 : 0); // the closing ESC[0m moves
}

/**
 * Updates already worked out: a workshop's sessions at one view turn the same lines into the same
 * lines on every frame. Started afresh past a few screens' worth.
 */
let updates = new Map();

/** What turns `previous` into `next` (changedCells below), worked out once per pair of lines. */
export function lineUpdate(previous, next) {
	if (previous === undefined) return `${ESC}1G${next}${ESC}K`;
	const pair = `${previous}\n${next}`; // a line holds no newline
	let update = updates.get(pair);
	if (update === undefined) {
		if (updates.size >= 2000) updates = new Map();
		updates.set(pair, (update = changedCells(previous, next)));
	}
	return update;
}

/**
 * Escapes and text that turn `previous` (on screen, cursor on its row) into `next`: each
 * stretch of changed cells, from its column; an unchanged stretch between two is skipped when a
 * cursor move costs less than writing it again (a lit box moving along a diagram line). Cells
 * are narrow, so a cell's index is its column; what a shorter line leaves is cleared.
 */
function changedCells(previous, next) {
	const whole = `${ESC}1G${next}${ESC}K`;
	const a = cells(previous);
	const b = a && cells(next);
	if (!a || !b) return whole;
	const lengthA = a.chars.length;
	const lengthB = b.chars.length;
	const changed = i => i >= lengthA || a.chars[i] !== b.chars[i] || a.styles[i] !== b.styles[i];
	const tail = lengthA > lengthB ? `${ESC}K` : '';
	let part = '';
	let from = -1; // the stretch being written: [from, to)
	let to = -1;
	for (let i = 0; i <= lengthB; i++) {
		if (i < lengthB && !changed(i)) continue;
		if (i === lengthB && !tail) break;
		const end = Math.min(i + 1, lengthB);
		// Join this change to the stretch when writing the cells between costs no more than a move.
		if (from === -1) from = i;
		else if (i > to && joined(b, to, end) > moveTo(i) + (end > i ? cellAlone(b, i) : 0)) {
			part += `${ESC}${from + 1}G${draw(b, from, to)}`;
			from = i;
		}
		to = end;
	}
	if (from !== -1) part += `${ESC}${from + 1}G${draw(b, from, to)}`;
	part += tail;
	return part.length < whole.length ? part : whole;
}

/** Ink moves past each unchanged line with its own ESC[E: a run of n is one ESC[nE (the same move). */
export const collapseNextLines = text => text.replace(/(?:\x1b\[E){2,}/g, run => `${ESC}${run.length / 3}E`);
