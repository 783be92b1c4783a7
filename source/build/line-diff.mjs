// What to write to turn one terminal line into another: only the stretch of cells that changed.
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

/**
 * Escapes and text that turn `previous` (on screen, cursor on its row) into `next`. Unchanged
 * cells at both ends stay; the end is kept only when both lines are equally wide, so every
 * kept cell is still in its column.
 */
export function lineUpdate(previous, next) {
	const whole = `${ESC}1G${next}${ESC}K`;
	const a = previous === undefined ? undefined : cells(previous);
	const b = a && cells(next);
	if (!a || !b) return whole;
	const same = (i, j) => a.chars[i] === b.chars[j] && a.styles[i] === b.styles[j];
	const lengthA = a.chars.length;
	const lengthB = b.chars.length;
	let start = 0;
	while (start < lengthA && start < lengthB && same(start, start)) start++;
	let endA = lengthA;
	let endB = lengthB;
	while (endA > start && endB > start && same(endA - 1, endB - 1)) {
		endA--;
		endB--;
	}
	if (endA !== endB) endB = lengthB; // widths differ: write the rest, then clear after it
	const tail = endB === lengthB && lengthA > lengthB ? `${ESC}K` : '';
	if (start === endB && !tail) return '';
	const part = `${ESC}${start + 1}G${draw(b, start, endB)}${tail}`;
	return part.length < whole.length ? part : whole;
}
