import React from 'react';
import {Box, Text} from 'ink';

type Props = {keys: Array<[string, string]>; width: number; status?: string};

/** The App builds `keys` afresh on every render: compare what they say, not the array. */
const same = (a: Props, b: Props) =>
	a.width === b.width && a.status === b.status && a.keys.length === b.keys.length && a.keys.every(([key, what], i) => key === b.keys[i][0] && what === b.keys[i][1]);

/** The keys that work right now; drops the last ones when the line is full. */
export const Footer = React.memo(function Footer({keys, width, status}: Props) {
	const parts: Array<[string, string]> = [];
	let used = status ? status.length + 2 : 0;
	for (const [key, what] of keys) {
		const cost = key.length + what.length + 3;
		if (used + cost > width) break;
		parts.push([key, what]);
		used += cost;
	}
	return (
		<Box width={width} height={1} overflow="hidden">
			<Text wrap="truncate-end">
				{status && <Text bold color="magenta">{status}  </Text>}
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
