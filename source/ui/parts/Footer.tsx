import React from 'react';
import {Box, Text} from 'ink';

type Props = {keys: Array<[string, string]>; width: number; status?: string};

/** The App builds `keys` afresh on every render: compare what they say, not the array. */
const same = (a: Props, b: Props) =>
	a.width === b.width &&
	a.status === b.status &&
	a.keys.length === b.keys.length &&
	a.keys.every(([key, what], i) => key === b.keys[i][0] && what === b.keys[i][1]);

const cost = ([key, what]: [string, string]) => key.length + what.length + 3;

/**
 * The keys that work right now. A full line drops keys from the middle: the last two (help and
 * the way out, as footerKeys orders them) always stay.
 */
export const Footer = React.memo(function Footer({keys, width, status}: Props) {
	const tail = keys.slice(-2);
	const parts: Array<[string, string]> = [];
	let used = (status ? status.length + 2 : 0) + tail.reduce((sum, k) => sum + cost(k), 0);
	for (const key of keys.slice(0, -2)) {
		if (used + cost(key) > width) break;
		parts.push(key);
		used += cost(key);
	}
	parts.push(...tail);
	return (
		<Box width={width} height={1} overflow="hidden">
			<Text wrap="truncate-end">
				{status && (
					<Text bold color="magenta">
						{status}
						{'  '}
					</Text>
				)}
				{parts.map(([key, what]) => (
					<Text key={key}>
						<Text bold>{key}</Text>
						<Text dimColor>{` ${what}  `}</Text>
					</Text>
				))}
			</Text>
		</Box>
	);
}, same);
