import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recogniseLocal } from '../../src/nlp/ner/local.ts';
import type { EntityType, Mention } from '../../src/nlp/ner/types.ts';

const ofType = (text: string, type: EntityType): string[] =>
  recogniseLocal(text)
    .filter((m) => m.type === type)
    .map((m) => m.value);
const has = (text: string, type: EntityType, values: string[]) => {
  const got = ofType(text, type);
  for (const v of values) assert.ok(got.includes(v), `${type} "${v}" not in [${got.join(' | ')}] of: ${text}`);
};
const parties = (ms: Mention[]) => ms.filter((m) => m.meta?.role).map((m) => [m.type, m.value, m.meta?.role]);

test('courts of common-law jurisdictions, benches typed with their court', () => {
  has('IN THE HIGH COURT OF JUDICATURE AT BOMBAY\nCIVIL APPELLATE JURISDICTION', 'COURT', ['HIGH COURT OF JUDICATURE AT BOMBAY']);
  has('In the High Court of Judicature at Bombay, Nagpur Bench of Bombay High Court', 'COURT', [
    'High Court of Judicature at Bombay',
    'Nagpur Bench of Bombay High Court',
  ]);
  has('The Supreme Court referred it to a Constitution Bench; the Court of Appeal (Civil Division) agreed.', 'COURT', [
    'Supreme Court',
    'Constitution Bench',
    'Court of Appeal (Civil Division)',
  ]);
  has(
    'The National Company Law Tribunal, Mumbai Bench admitted it and the National Company Law Appellate Tribunal dismissed the appeal.',
    'COURT',
    ['National Company Law Tribunal, Mumbai Bench', 'National Company Law Appellate Tribunal'],
  );
  has('UNITED STATES BANKRUPTCY COURT FOR THE DISTRICT OF NEW JERSEY', 'COURT', [
    'UNITED STATES BANKRUPTCY COURT FOR THE DISTRICT OF NEW JERSEY',
  ]);
  has('IN THE HIGH COURT OF ORISSA AT CUTTACK\nW.P.(C) No. 11 of 2020', 'COURT', ['HIGH COURT OF ORISSA AT CUTTACK']);
  has('In the Court of the Additional Sessions Judge, Rohtak', 'COURT', ['Court of the Additional Sessions Judge']);
});

test('judges: the name only, from "Hon\'ble Mr. Justice", "Coram", "Before", ", J." and "JJ."', () => {
  has("CORAM: HON'BLE MR. JUSTICE T.K. VARGHESE", 'JUDGE', ['T.K. VARGHESE']);
  has('CORAM : A. B. DESAI AND M. N. PATIL, JJ.', 'JUDGE', ['A. B. DESAI', 'M. N. PATIL']);
  has('Before: Lord Justice Ambrose Keele\nBetween:', 'JUDGE', ['Ambrose Keele']);
  has('The appeal was heard by Rina Dutta, J. on 2 May 2019.', 'JUDGE', ['Rina Dutta']);
  has('Chief Justice Omar Faruqi and Judge Lena Holt concurred.', 'JUDGE', ['Omar Faruqi', 'Lena Holt']);
  const values = ofType("Hon'ble Mr. Justice Suresh Menon, J.", 'JUDGE');
  assert.ok(
    values.every((v) => !/Justice|Hon|, J/.test(v)),
    values.join(' | '),
  );
});

test('lawyers: names only, typed LAWYER, with the role or party they act for', () => {
  const lawyers = (text: string) =>
    recogniseLocal(text)
      .filter((m) => m.type === 'LAWYER')
      .map((m) => [m.value, m.meta?.forRole ?? m.meta?.forParty]);
  assert.deepEqual(lawyers('Through: Mr. Kiran Rao, Mr. Dev Anand Joshi and Ms. Tara Bhat, Advocates for Respondent Nos. 1 & 2.'), [
    ['Kiran Rao', 'respondent'],
    ['Dev Anand Joshi', 'respondent'],
    ['Tara Bhat', 'respondent'],
  ]);
  assert.deepEqual(lawyers('Mr. Vikram Sood, Sr. Advocate with Mr. Amit Lal, Advocate for the appellant.'), [
    ['Vikram Sood', 'appellant'],
    ['Amit Lal', 'appellant'],
  ]);
  assert.deepEqual(lawyers('Counsel for the petitioner: Ms. Leela Nair'), [['Leela Nair', 'petitioner']]);
  assert.deepEqual(lawyers('For the Appellant : Mr. Kartik Iyer, Advocate'), [['Kartik Iyer', 'appellant']]);
  assert.deepEqual(lawyers('/s/ Paul R. Whitman\nWhitman & Cole LLP\n12 Main Street\nAttorneys for Plaintiff'), [
    ['Paul R. Whitman', 'plaintiff'],
  ]);
  assert.deepEqual(lawyers('Nora Blake (Bar No. 20411)\nBlake Firm PC\nAttorneys for Acme Widgets Corp.'), [
    ['Nora Blake', 'Acme Widgets Corp.'],
  ]);
});

test('parties of cause titles and captions carry their role', () => {
  assert.deepEqual(
    parties(
      recogniseLocal(
        'Sunil Mahadev Patil                 ..... Appellant\n          Versus\nState of Gujarat & Ors.              ..... Respondents',
      ),
    ),
    [
      ['PERSON', 'Sunil Mahadev Patil', 'appellant'],
      ['ORG', 'State of Gujarat', 'respondent'],
    ],
  );
  assert.deepEqual(parties(recogniseLocal('Rita Gomes, Petitioner, v. Harbor Freight Lines, Inc., Respondent.')), [
    ['PERSON', 'Rita Gomes', 'petitioner'],
    ['ORG', 'Harbor Freight Lines, Inc.', 'respondent'],
  ]);
  assert.deepEqual(parties(recogniseLocal('Owen Lyle (Appellant) v Commissioners of Inland Revenue (Respondent)')), [
    ['PERSON', 'Owen Lyle', 'appellant'],
    ['ORG', 'Commissioners of Inland Revenue', 'respondent'],
  ]);
  assert.deepEqual(parties(recogniseLocal('In re: Larkspur Mills, LLC, Debtor.')), [['ORG', 'Larkspur Mills, LLC', 'debtor']]);
  assert.deepEqual(parties(recogniseLocal('BETWEEN:\nM/S ORIENT TRADERS\n...PETITIONER\nAND:\nTHE STATE OF KARNATAKA\n...RESPONDENT')), [
    ['ORG', 'ORIENT TRADERS', 'petitioner'],
    ['ORG', 'STATE OF KARNATAKA', 'respondent'],
  ]);
  assert.deepEqual(
    parties(recogniseLocal('State of Rajasthan v. Mohan Lal and Others')).map((p) => p[1]),
    ['State of Rajasthan', 'Mohan Lal'],
  );
  assert.deepEqual(parties(recogniseLocal('Counsel submitted that the Respondent State and the Respondent Bank had not complied.')), []);
  assert.deepEqual(parties(recogniseLocal('The complainant Asha Verma stated that the accused Ravi Kant fled.')), [
    ['PERSON', 'Asha Verma', 'complainant'],
    ['PERSON', 'Ravi Kant', 'accused'],
  ]);
});

test('the parties of a cited precedent get no role', () => {
  const ms = recogniseLocal('Reliance was placed on Kishore Lal v. State of Bihar, (2004) 5 SCC 112.');
  assert.deepEqual(parties(ms), []);
  assert.ok(ms.some((m) => m.type === 'CITATION' && m.value === '(2004) 5 SCC 112'));
});

test('case numbers with their type prefix, one per item of a list', () => {
  has('W.P. No. 1234 of 2018 and Civil Appeal No. 45 of 2020', 'CASE_NUMBER', ['W.P. No. 1234 of 2018', 'Civil Appeal No. 45 of 2020']);
  has('Crl.A. 512/2016', 'CASE_NUMBER', ['Crl.A. 512/2016']);
  has('MAC.APP. 101/2017 & CM Nos. 2222/2017', 'CASE_NUMBER', ['MAC.APP. 101/2017', 'CM Nos. 2222/2017']);
  has('Case No. 2:19-cv-01234-ABC-DEF; Chapter 11 Case No. 24-01234; Appeal No. 1-22-40123', 'CASE_NUMBER', [
    '2:19-cv-01234-ABC-DEF',
    '24-01234',
    '1-22-40123',
  ]);
});

test('statutes by name and provisions by number, apart', () => {
  const text =
    'under Section 9(2)(b) of the Arbitration Act, for offences under Sections 302, 307 & 34 IPC, Article 21, Order XXI Rule 4 and 28 U.S.C. § 1331';
  has(text, 'PROVISION', ['Section 9(2)(b)', 'Sections 302, 307 & 34', 'Article 21', 'Order XXI Rule 4']);
  has(text, 'STATUTE', ['Arbitration Act', 'IPC', '28 U.S.C. § 1331']);
  has('convicted u/s 302 IPC', 'PROVISION', ['u/s 302']);
  has('Section 138 of the Negotiable Instruments Act, 1881 and the Code of Criminal Procedure, 1973', 'STATUTE', [
    'Negotiable Instruments Act, 1881',
    'Code of Criminal Procedure, 1973',
  ]);
});

test('a bare year is a date only as the date of an event, never inside a number or citation', () => {
  assert.deepEqual(ofType('W.P. No. 1234 of 2018 and Crl.A. 512/2016 relied on (2014) 3 SCC 1.', 'DATE'), []);
  assert.deepEqual(
    ofType('IN THE MATTER OF THE ARBITRATION ACT 1996 (SUMMER 2020 TERM)', 'DATE').filter((d) => /^\d{4}$/.test(d)),
    [],
  );
  has('The FIR was registered in 2014 and the order is dated 03.08.2016.', 'DATE', ['2014', '03.08.2016']);
  has('DATED THIS THE 23RD DAY OF MARCH, 2021', 'DATE', ['23RD DAY OF MARCH, 2021']);
});

test('an organisation never starts at the role word before "Versus" (the cause title of the other side)', () => {
  for (const text of [
    'Rakesh Chauhan ... Applicant Versus Central Bureau of Investigation ... Respondent',
    'Rakesh Chauhan                 ..... Applicant\nVersus\nCentral Bureau of Investigation      ..... Respondent',
  ]) {
    assert.deepEqual(parties(recogniseLocal(text)), [
      ['PERSON', 'Rakesh Chauhan', 'applicant'],
      ['ORG', 'Central Bureau of Investigation', 'respondent'],
    ]);
  }
});

test('organisation rules stop at sentence ends and at the line breaks of a name list, not inside wrapped names', () => {
  assert.deepEqual(
    ofType('He flew to Arizona. Meridian Software Corp. hired him. Jordan. Counsel for Kestrel Aviation Corp. spoke.', 'ORG'),
    ['Meridian Software Corp.', 'Kestrel Aviation Corp.'],
  );
  assert.deepEqual(ofType('Parties: Acme Holdings\nBeta Widgets Corp.\nGamma Trust Company', 'ORG'), [
    'Acme Holdings',
    'Beta Widgets Corp.',
    'Gamma Trust Company',
  ]);
  assert.deepEqual(ofType('The loan from the Bank of\nAmerica, N.A. was repaid by Harbor Freight Tools Co.', 'ORG'), [
    'Bank of\nAmerica, N.A.',
    'Harbor Freight Tools Co.',
  ]);
});

test('lawyers after "Through:" on the line below a party act for its role; the Supreme Court of any place', () => {
  const ms = recogniseLocal(
    'RAJESH KUMAR SHARMA ..... Petitioner\nThrough: Mr. Anil Verma, Mr. Sunil Rao and Ms. Kavita Jain, Advocates.\nVersus\nUNION OF INDIA ..... Respondent\nThrough: Mr. Vikram Seth, Advocate.',
  );
  assert.deepEqual(
    ms.filter((m) => m.type === 'LAWYER').map((m) => [m.value, m.meta?.forRole]),
    [
      ['Anil Verma', 'petitioner'],
      ['Sunil Rao', 'petitioner'],
      ['Kavita Jain', 'petitioner'],
      ['Vikram Seth', 'respondent'],
    ],
  );
  assert.deepEqual(parties(ms), [
    ['PERSON', 'RAJESH KUMAR SHARMA', 'petitioner'],
    ['ORG', 'UNION OF INDIA', 'respondent'],
  ]);
  has('The Supreme Court of Victoria and the Supreme Court of New South Wales differ.', 'COURT', [
    'Supreme Court of Victoria',
    'Supreme Court of New South Wales',
  ]);
});
