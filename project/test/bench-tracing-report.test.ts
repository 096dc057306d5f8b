// The arithmetic of `make bench-tracing`'s section: medians per mode, ratios raw and
// normalised by each run's own database reference, the 10% verdict, and where the section
// goes in BENCHMARKS.md.
import type { Report } from '../bench/report/write-report';
import { type TracingMode, renderTracingCost } from '../bench/report/tracing-cost';
import { replaceTracingSection } from '../bench/report/write-report';

function run(mode: TracingMode, round: number, http: number, db: number) {
  const report = {
    info: { date: 'D', node: 'v26', commit: 'C', loadAverage: 1, cores: 2, cpu: 'x' },
    options: { durationS: 8 },
    rows: [
      {
        scenario: 'log via http through the broker (50 clients) vs DB',
        rate: http,
        reference: { label: 'DB insertOne', rate: db },
        target: '',
      },
    ],
  } as unknown as Report;
  return { mode, round, report, exportedBytes: mode === 'export' ? 10_240 : 0 };
}

const httpRow = (markdown: string) => /^\| via http \|.*$/m.exec(markdown)?.[0] ?? '';

it("compares medians, and normalises by the run's database reference", () => {
  const markdown = renderTracingCost([
    run('off', 1, 1000, 2000),
    run('on', 1, 950, 2000),
    run('export', 1, 800, 1000), // the machine was twice as slow: normalised, export costs nothing
    run('export', 2, 800, 1000),
    run('on', 2, 950, 2000),
    run('off', 2, 1000, 2000),
  ]);
  expect(httpRow(markdown)).toBe(
    '| via http | 1,000 | 950 | 0.95x | 0.95x | yes | 800 | 0.80x | 1.60x | NO |',
  );
  expect(markdown).toContain('| 3 | export | 1.00 | - | 800 | - | - | 1,000 | 10 KiB |');
  expect(markdown).toContain('tracing off: via http 0%.');
});

it('says NO when tracing costs more than 10%', () => {
  const markdown = renderTracingCost([run('off', 1, 1000, 2000), run('on', 1, 890, 2000)]);
  expect(httpRow(markdown)).toMatch(/\| 0\.89x \| 0\.89x \| NO \|/);
});

it('replaces the section in place, or appends it', () => {
  const section = '## Tracing cost\n\nnew\n';
  expect(replaceTracingSection('# B\n\n## Tracing cost\n\nold\n\n## Next\n\nkept\n', section)).toBe(
    '# B\n\n## Tracing cost\n\nnew\n\n## Next\n\nkept\n',
  );
  expect(replaceTracingSection('# B\n', section)).toBe('# B\n\n## Tracing cost\n\nnew\n');
  expect(replaceTracingSection('', section)).toBe(section);
});
