import type { Row } from '../scenarios/scenario';

const HEADER = [
  'scenario',
  'rate /s',
  'p50 ms',
  'p99 ms',
  'errors',
  'reference /s',
  'ratio',
  'target',
  'met?',
  'notes',
];

/** The results as one markdown table (it reads as plain text in a terminal too). */
export function markdownTable(rows: Row[]): string {
  const lines = [HEADER, HEADER.map(() => '---'), ...rows.map(cells)];
  return lines.map((line) => `| ${line.map(escapeCell).join(' | ')} |`).join('\n');
}

function cells(row: Row): string[] {
  if (row.error !== undefined) {
    return [
      row.scenario,
      '-',
      '-',
      '-',
      '-',
      '-',
      '-',
      row.target,
      'error',
      `not measured: ${row.error}`,
    ];
  }
  return [
    row.scenario,
    number(row.rate),
    milliseconds(row.p50Ms),
    milliseconds(row.p99Ms),
    row.errors === undefined ? '-' : String(row.errors),
    row.reference ? `${number(row.reference.rate)} (${row.reference.label})` : '-',
    row.ratio === undefined ? '-' : `${row.ratio.toFixed(2)}x`,
    row.target,
    row.met === undefined ? '?' : row.met ? 'yes' : 'NO',
    row.notes ?? '',
  ];
}

function number(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

function milliseconds(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return value >= 10 ? String(Math.round(value)) : value.toFixed(1);
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
