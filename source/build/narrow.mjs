// Characters one column wide in every terminal and in string-width (no East Asian wide or
// emoji presentation, no combining or invisible ones): printable ASCII, Latin, Greek,
// Cyrillic, punctuation, arrows, maths, box drawing, blocks, shapes, check marks. What the
// walkthrough draws with; anything else goes the long way.
const RANGES = [
	'\\u0020-\\u007E\\u00A0-\\u00AC\\u00AE-\\u02FF', // ASCII, Latin
	'\\u0370-\\u0482\\u048A-\\u04FF', // Greek, Cyrillic
	'\\u2010-\\u2027\\u2030-\\u205E\\u2190-\\u22FF', // punctuation, arrows, maths
	'\\u2500-\\u25FC\\u2713-\\u2718', // box drawing, blocks, shapes, check marks
];
export const NARROW = new RegExp(`^[${RANGES.join('')}]*$`);

export const isNarrow = char => NARROW.test(char);
