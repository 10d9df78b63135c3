import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  extractAmounts,
  extractCaption,
  extractCitations,
  extractCourt,
  extractDates,
  extractDockets,
  extractFacts,
  extractJudges,
  locate,
  normalizeDocket,
} from '../../src/nlp/facts/index.ts';
import type { EcfStamp } from '../../src/nlp/clean/ecf.ts';

const at = (text: string, span: [number, number] | null): string => (span ? text.slice(span[0], span[1]) : '');

test('docket numbers: district with judge initials, labelled appellate/bankruptcy/state, lists, MDL', () => {
  const text =
    'Case No. 8:16-cv-1261 DOC (KESx). Appeal No. 20-1507. Case Number:24-10418-CTG. No. ED108783; No. 1711-CC00064. CASE NOS. 20-55436,\n20-55662 and MDL No. 2967. Also 3:21-cv-00437-ECM-SRW.';
  const d = extractDockets(text);
  assert.deepEqual(
    d.map((x) => x.value),
    ['8:16-cv-01261', '20-1507', '24-10418', 'ED108783', '1711-CC00064', '20-55436', '20-55662', 'MDL No. 2967', '3:21-cv-00437'],
  );
  for (const x of d) assert.equal(at(text, x.span), x.text);
  assert.equal(d.find((x) => x.value === '3:21-cv-00437')!.judge_initials, 'ECM-SRW');
  assert.equal(d.find((x) => x.value === '24-10418')!.judge_initials, 'CTG');
  assert.deepEqual(normalizeDocket('1:20-CV-1234'), { value: '1:20-cv-01234' });
  assert.deepEqual(normalizeDocket('17-cv-6761').value, '17-cv-06761');
  // phone numbers and other numbers are not dockets
  assert.deepEqual(
    extractDockets('Telephone No. (415) 621-2493, Suite No. 400, Rule 24.035').map((x) => x.value),
    [],
  );
});

test('bankruptcy case numbers without a case-type code: labelled, on the next line, office-year, judge initials in either case', () => {
  const cases: Array<[string, string[]]> = [
    ['Case Number: 24-01234-jal', ['24-01234']],
    ['Case Number:\n23-30111', ['23-30111']],
    ['Case Name: Brightwater Ventures LLC Case Number: 1-22-40123-ess', ['1-22-40123']],
    ['Bankruptcy Case No. 8-23-71234-ast', ['8-23-71234']],
    ['23-30111-sgj13 Notice will be electronically mailed to:', ['23-30111']],
    ['Lead BK Case: 23-30111 and Adv. Proc. No. 24-03021', ['23-30111', '24-03021']],
  ];
  for (const [text, want] of cases)
    assert.deepEqual(
      extractDockets(text).map((d) => d.value),
      want,
      text,
    );
  assert.deepEqual(normalizeDocket('24-01234-jal'), { value: '24-01234', judge_initials: 'jal' });
  assert.deepEqual(normalizeDocket('1-22-40123-ess'), { value: '1-22-40123', judge_initials: 'ess' });
  // dates, phone numbers and ZIP+4 codes stay out
  assert.deepEqual(
    extractDockets('Hearing on 1-22-2023 at (502) 555-0142, Louisville, KY 40202-1234').map((d) => d.value),
    [],
  );
});

test('each docket gets its own case name: NEF pairs, the lead bankruptcy case by its debtor, else the document name', () => {
  const nef =
    'Case Name: Rivera v. Coastal Lending Corp.\nCase Number: 24-03021-sgj\nDocument Number: 1\n\nCase Name: Maria Elena Rivera\nCase Number: 23-30111-sgj13\nDocument Number: 54\n';
  const f = extractFacts(nef);
  assert.deepEqual(
    f.docket_numbers.map((d) => [d.value, d.case_name?.value]),
    [
      ['24-03021', 'Rivera v. Coastal Lending Corp.'],
      ['23-30111', 'Maria Elena Rivera'],
    ],
  );
  assert.equal(f.case_name?.value, 'Rivera v. Coastal Lending Corp.');
  const lead =
    'Case Name: Okafor v. Summit Auto Finance\nCase Number: 24-05002\nLead BK Case: 24-50210 Lead BK Title: Grace N. Okafor Lead BK Chapter: 7\n';
  assert.deepEqual(
    extractFacts(lead).docket_numbers.map((d) => [d.value, d.case_name?.value]),
    [
      ['24-05002', 'Okafor v. Summit Auto Finance'],
      ['24-50210', 'Grace N. Okafor'],
    ],
  );
  const single = extractFacts(
    'UNITED STATES DISTRICT COURT\n\nJANE DOE,\nPlaintiff,\nv.\nACME CORP.,\nDefendant.\n\nCase No. 1:21-cv-01061',
  );
  assert.deepEqual(
    single.docket_numbers.map((d) => [d.value, d.case_name?.value]),
    [['1:21-cv-01061', 'JANE DOE v. ACME CORP.']],
  );
});

test('docket numbers from ECF stamps are kept with their raw span', () => {
  const stamp: EcfStamp = {
    case_number: '1:21-cv-01061-KLM',
    page_index: 1,
    raw_start: 0,
    raw_end: 70,
    text: 'Case 1:21-cv-01061-KLM Document 1 …',
  };
  const d = extractDockets('COMPLAINT', [stamp, { ...stamp, page_index: 2 }]);
  assert.deepEqual(d, [
    { value: '1:21-cv-01061', judge_initials: 'KLM', text: '1:21-cv-01061-KLM', span: null, source: 'ecf_stamp', raw_span: [0, 70] },
  ]);
});

test('case name and parties from a caption with role lines', () => {
  const text =
    'UNITED STATES DISTRICT COURT\nFOR THE DISTRICT OF COLORADO\nCivil Action No. 1:21-cv-01061\nBERKSHIRE LIFE INSURANCE COMPANY OF AMERICA,\nPlaintiff,\nv.\nJANET T. MILLS, in her official capacity as Governor,\nDefendant, Appellee.\n\nCOMPLAINT';
  const c = extractCaption(text);
  assert.equal(c.case_name!.value, 'BERKSHIRE LIFE INSURANCE COMPANY OF AMERICA v. JANET T. MILLS');
  assert.deepEqual(
    c.parties.map((p) => [p.name, p.roles]),
    [
      ['BERKSHIRE LIFE INSURANCE COMPANY OF AMERICA', ['plaintiff']],
      ['JANET T. MILLS', ['defendant', 'appellee']],
    ],
  );
  assert.match(at(text, c.parties[0]!.span), /^BERKSHIRE LIFE/);
  const court = extractCourt(text)!;
  assert.equal(court.name, 'UNITED STATES DISTRICT COURT FOR THE DISTRICT OF COLORADO');
  assert.equal(at(text, court.span), 'UNITED STATES DISTRICT COURT\nFOR THE DISTRICT OF COLORADO');
});

test('case name from a notice of electronic filing, "In re" and inline captions', () => {
  const nef =
    'U.S. District Court\n\nAlabama Middle District\n\nNotice of Electronic Filing\nCase Name: Stapler v. Automatic Food Service, Inc. Case\nNumber:3:21-cv-00437-ECM-SRW';
  const c = extractCaption(nef);
  assert.equal(c.case_name!.value, 'Stapler v. Automatic Food Service, Inc.');
  assert.equal(at(nef, c.case_name!.span), 'Stapler v. Automatic Food Service, Inc.');
  assert.deepEqual(
    c.parties.map((p) => p.name),
    ['Stapler', 'Automatic Food Service, Inc.'],
  );
  assert.equal(extractCourt(nef)!.name, 'U.S. District Court for the Alabama Middle District');
  assert.equal(
    extractCaption('ORDER\nIn re: RICHARD P. LIEBOWITZ No. 21-800\n').case_name!.value,
    'In re: RICHARD P. LIEBOWITZ No. 21-800',
  );
  assert.equal(
    extractCaption('See United States v. Detroit Timber & Lumber Co., 200 U. S. 321.\nTARRANT REGIONAL WATER DISTRICT v.\nHERRMANN ET AL.')
      .case_name!.value,
    'TARRANT REGIONAL WATER DISTRICT v. HERRMANN',
  );
});

test('contract parties with their defined-term roles', () => {
  const text =
    'This EMPLOYMENT AGREEMENT is made by and between Tropical Sportswear Int\'l Corporation, a Florida corporation (the "Company"), and Steven S. Barr ("Employee").';
  const c = extractCaption(text);
  assert.deepEqual(
    c.parties.map((p) => [p.name, p.roles[0]]),
    [
      ["Tropical Sportswear Int'l Corporation", 'company'],
      ['Steven S. Barr', 'employee'],
    ],
  );
  for (const p of c.parties) assert.equal(at(text, p.span), p.name);
});

test('judges: Hon., Judge X, X, Circuit Judge(s), state P.J./J., JUSTICE', () => {
  const text =
    '[Hon. Nancy Torresen, U.S. District Judge]\nBefore\nHoward, Chief Judge,\nSelya and Barron, Circuit Judges.\nMagistrate Judge Gabriel W. Gorenstein\nAngela T. Quigless, P.J., and James M. Dowd, J.\nJUSTICE SOTOMAYOR delivered the opinion';
  const j = extractJudges(text);
  assert.deepEqual(j.map((x) => x.name).sort(), [
    'Angela T. Quigless',
    'Barron',
    'Gabriel W. Gorenstein',
    'Howard',
    'James M. Dowd',
    'Nancy Torresen',
    'SOTOMAYOR',
    'Selya',
  ]);
  assert.equal(j.find((x) => x.name === 'Howard')!.title, 'Chief Judge');
  for (const x of j) assert.equal(at(text, x.span), x.name);
});

test('dates: formats to ISO, with what they are when stated', () => {
  const text =
    'Filed: January 19, 2021. Argued April 23, 2013-Decided June 13, 2013. Effective as of the 5th day of March, 2009. Entered on 8/9/21 and signed 2020-12-22. Bad: 2/30/2020.';
  const d = extractDates(text);
  assert.deepEqual(
    d.map((x) => [x.iso, x.what]),
    [
      ['2021-01-19', 'filed'],
      ['2013-04-23', 'argued'],
      ['2013-06-13', 'decided'],
      ['2009-03-05', 'effective'],
      ['2021-08-09', 'entered'],
      ['2020-12-22', 'signed'],
    ],
  );
  for (const x of d) assert.equal(at(text, x.span), x.text);
});

test('amounts: value and ISO currency', () => {
  const text = 'a fee of $350, a loan of $1,250,000.50, USD 5 million, €300, £12.5 and 2,000 dollars; 30 days.';
  assert.deepEqual(
    extractAmounts(text).map((a) => [a.value, a.currency]),
    [
      [350, 'USD'],
      [1250000.5, 'USD'],
      [5000000, 'USD'],
      [300, 'EUR'],
      [12.5, 'GBP'],
      [2000, 'USD'],
    ],
  );
});

test('citations: reporters and statutes', () => {
  const text =
    'See Detroit Timber, 200 U. S. 321, 337; Roman v. Wolf, 977 F.3d 935 (9th Cir. 2020); 459 F. Supp. 3d 273; 2020 WL 2059848; 28 U.S.C. § 1404(a); Fed. R. Civ. P. 12(b)(6).';
  const c = extractCitations(text);
  assert.deepEqual(
    c.map((x) => [x.kind, x.value]),
    [
      ['case', '200 U.S. 321'],
      ['case', '977 F.3d 935'],
      ['case', '459 F. Supp. 3d 273'],
      ['case', '2020 WL 2059848'],
      ['statute', '28 U.S.C. § 1404(a)'],
      ['rule', 'Fed. R. Civ. P. 12(b)(6)'],
    ],
  );
});

test('extractFacts returns every key; locate finds LLM values in the text', () => {
  const f = extractFacts('nothing here');
  assert.deepEqual(Object.keys(f).sort(), [
    'amounts',
    'case_name',
    'citations',
    'court',
    'dates',
    'docket_numbers',
    'facts_version',
    'judges',
    'parties',
  ]);
  assert.deepEqual(locate('The  Acme\nWidgets LLC sued.', 'acme widgets llc'), [5, 21]);
  assert.equal(locate('text', 'absent'), null);
});
