/**
 * The example documents: one fictional commercial dispute (Northwind Traders LLC v. Contoso Ltd.)
 * told through a contract, a demand letter, a court order and the court's e-mail notice. All text
 * is written for docpipe; every party, person, firm and address is invented. Dates are fixed so the
 * files regenerate byte for byte.
 */
import { docx } from './docx.ts';
import { wrap, layoutPage } from './layout.ts';
import { pdf } from './pdf.ts';

export interface ExampleFile {
  name: string;
  data: Buffer;
}

const CASE_NO = '1:24-cv-00417';

function contractText(): string {
  const p = (text: string) => wrap(text, 78).join('\n');
  const sections: Array<[string, string[]]> = [
    ['1. DEFINITIONS', [
      '1.1 "Products" means the refrigerated shipping containers, model series NT-400 and NT-600, described in Schedule A.',
      '1.2 "Purchase Order" means a written order for Products issued by Buyer under this Agreement.',
      '1.3 "Effective Date" means March 1, 2023.',
    ]],
    ['2. TERM', [
      '2.1 This Agreement begins on the Effective Date and continues for three (3) years, unless terminated earlier under Section 9.',
      '2.2 The parties may renew this Agreement for successive one-year terms by written agreement signed no later than sixty (60) days before the end of the then-current term.',
    ]],
    ['3. SUPPLY AND PURCHASE', [
      '3.1 Supplier shall sell and Buyer shall purchase not fewer than four hundred (400) Products in each contract year.',
      '3.2 Each Purchase Order is governed by this Agreement. Terms in a Purchase Order that conflict with this Agreement have no effect.',
    ]],
    ['4. PRICE AND PAYMENT', [
      '4.1 The price of each NT-400 unit is USD 2,850.00 and of each NT-600 unit is USD 3,475.00, fixed for the first contract year.',
      '4.2 Supplier shall invoice Buyer upon shipment. Buyer shall pay each undisputed invoice within thirty (30) days of its date.',
      '4.3 Amounts not paid when due bear interest at one percent (1%) per month, or the highest rate permitted by law if lower.',
    ]],
    ['5. DELIVERY AND ACCEPTANCE', [
      '5.1 Supplier shall deliver Products FCA Supplier\'s facility at 1400 Harbor Point Drive, Wilmington, Delaware 19801.',
      '5.2 Buyer may inspect Products within ten (10) business days after delivery and reject any nonconforming Product by written notice stating the defect.',
    ]],
    ['6. WARRANTY', [
      '6.1 Supplier warrants that each Product will be free from defects in materials and workmanship for eighteen (18) months after delivery.',
      '6.2 Buyer\'s exclusive remedy for breach of this warranty is repair or replacement of the nonconforming Product, at Supplier\'s option.',
    ]],
    ['7. LIMITATION OF LIABILITY', [
      '7.1 Neither party is liable for indirect, incidental or consequential damages. Each party\'s total liability under this Agreement is limited to the amounts paid or payable in the twelve (12) months before the claim arose.',
    ]],
    ['8. CONFIDENTIALITY', [
      '8.1 Each party shall keep confidential the other party\'s non-public business information and use it only to perform this Agreement.',
    ]],
    ['9. TERMINATION', [
      '9.1 Either party may terminate this Agreement by written notice if the other party materially breaches it and fails to cure the breach within thirty (30) days after receiving notice of it.',
    ]],
    ['10. GOVERNING LAW AND DISPUTES', [
      '10.1 This Agreement is governed by the laws of the State of Delaware, without regard to its conflict-of-laws rules.',
      '10.2 The state and federal courts located in Wilmington, Delaware have exclusive jurisdiction over any dispute arising out of this Agreement.',
    ]],
    ['11. NOTICES', [
      '11.1 Notices must be in writing and delivered by hand, courier or certified mail to the addresses above, with a copy by e-mail to legal@northwind-traders.example (Supplier) or counsel@contoso-ltd.example (Buyer).',
    ]],
  ];
  const out = [
    'MASTER SUPPLY AGREEMENT',
    '',
    p('This Master Supply Agreement (the "Agreement") is entered into as of March 1, 2023, by and between NORTHWIND TRADERS LLC, a Delaware limited liability company with its principal place of business at 1400 Harbor Point Drive, Wilmington, Delaware 19801 ("Supplier"), and CONTOSO LTD., a New Jersey corporation with its principal place of business at 77 Meridian Avenue, Newark, New Jersey 07102 ("Buyer").'),
    '',
    p('WHEREAS, Supplier manufactures refrigerated shipping containers, and Buyer wishes to purchase such containers for its cold-chain logistics business; NOW, THEREFORE, the parties agree as follows:'),
  ];
  for (const [title, clauses] of sections) {
    out.push('', title, '');
    for (const clause of clauses) out.push(p(clause));
  }
  out.push(
    '',
    p('IN WITNESS WHEREOF, the parties have executed this Agreement as of the Effective Date.'),
    '',
    'NORTHWIND TRADERS LLC                     CONTOSO LTD.',
    '',
    'By: /s/ Margaret A. Lindqvist             By: /s/ Rajesh K. Varma',
    'Name: Margaret A. Lindqvist               Name: Rajesh K. Varma',
    'Title: Chief Executive Officer            Title: General Counsel',
    'Date: March 1, 2023                       Date: March 1, 2023',
    '',
    'SCHEDULE A - PRODUCTS',
    '',
    'Model    Description                                   Unit price (USD)',
    'NT-400   20-foot refrigerated container, -25 C to +25 C        2,850.00',
    'NT-600   40-foot refrigerated container, -30 C to +30 C        3,475.00',
    '',
  );
  return out.join('\n');
}

function demandLetter(): Buffer {
  const para = (text: string) => ({ text });
  return docx({
    title: 'Northwind Traders LLC - Notice of Breach and Demand for Payment',
    author: 'Halvorsen & Pike LLP',
    created: new Date(Date.UTC(2024, 0, 16, 14, 30, 0)),
    paragraphs: [
      { text: 'HALVORSEN & PIKE LLP', bold: true, align: 'center' },
      { text: '500 Delaware Avenue, Suite 1200, Wilmington, Delaware 19801', align: 'center' },
      { text: 'Telephone (302) 555-0148  |  dokafor@halvorsenpike.example', align: 'center' },
      para(''),
      para('January 16, 2024'),
      para(''),
      para('VIA CERTIFIED MAIL AND E-MAIL (counsel@contoso-ltd.example)'),
      para(''),
      para('Rajesh K. Varma, General Counsel'),
      para('Contoso Ltd.'),
      para('77 Meridian Avenue'),
      para('Newark, New Jersey 07102'),
      para(''),
      { text: 'Re: Master Supply Agreement dated March 1, 2023 - Notice of Breach and Demand for Payment', bold: true },
      para(''),
      para('Dear Mr. Varma:'),
      para(''),
      para('This firm represents Northwind Traders LLC ("Northwind") in connection with the Master Supply Agreement between Northwind and Contoso Ltd. ("Contoso") dated March 1, 2023 (the "Agreement"). I write to give formal notice under Section 9.1 of the Agreement that Contoso is in material breach of its payment obligations.'),
      para('Under Section 4.2 of the Agreement, Contoso must pay each undisputed invoice within thirty days of its date. Northwind shipped 145 NT-400 units in September and October 2023 and invoiced them on Invoice Nos. NW-2023-0911, NW-2023-0927 and NW-2023-1016, totalling $413,250.00. Contoso accepted every unit without a notice of rejection under Section 5.2, and it has paid nothing.'),
      para('As of the date of this letter, the principal balance is $413,250.00, and contractual interest under Section 4.3 has accrued in the amount of $9,918.00, for a total of $423,168.00.'),
      para('Northwind demands payment of $423,168.00 by wire transfer within fourteen (14) days of the date of this letter, that is, by January 30, 2024. If payment is not received by that date, Northwind intends to file suit in the United States District Court for the District of Delaware, in accordance with Section 10.2, without further notice. If Contoso does not cure its breach within the thirty-day period provided by Section 9.1, Northwind may also terminate the Agreement.'),
      para('Northwind also reminds Contoso that it remains bound by its minimum purchase commitment of four hundred units in the current contract year under Section 3.1.'),
      para('Nothing in this letter waives any of Northwind\'s rights or remedies, all of which are expressly reserved.'),
      para(''),
      para('Very truly yours,'),
      para(''),
      para('/s/ Daniel R. Okafor'),
      para('Daniel R. Okafor'),
      para('Partner, Halvorsen & Pike LLP'),
      para(''),
      para('cc: Margaret A. Lindqvist, Chief Executive Officer, Northwind Traders LLC'),
    ],
  });
}

function courtOrder(): Buffer {
  const stamp = (page: number) => `Case ${CASE_NO} Document 12 Filed 03/04/24 Page ${page} of 2`;
  const page1 = layoutPage(stamp(1), [
    { kind: 'heading', text: 'IN THE UNITED STATES DISTRICT COURT' },
    { kind: 'heading', text: 'FOR THE DISTRICT OF DELAWARE' },
    { kind: 'space' },
    {
      kind: 'lines',
      lines: [
        'NORTHWIND TRADERS LLC,',
        '                 Plaintiff,',
        '         v.                                          Civil Action No. 1:24-cv-00417-EMW',
        'CONTOSO LTD.,',
        '                 Defendant.',
      ],
    },
    { kind: 'space' },
    { kind: 'heading', text: 'ORDER ON DEFENDANT\'S MOTION TO DISMISS' },
    { kind: 'space' },
    { kind: 'paragraph', indent: true, text: 'Plaintiff Northwind Traders LLC ("Northwind") sued Defendant Contoso Ltd. ("Contoso") on February 2, 2024, alleging breach of a Master Supply Agreement dated March 1, 2023 (the "Agreement"), account stated, and unjust enrichment. (D.I. 1). Contoso moved to dismiss the complaint under Federal Rule of Civil Procedure 12(b)(6). (D.I. 8). The motion is fully briefed. (D.I. 9, 10, 11).' },
    { kind: 'paragraph', indent: true, text: 'To survive a motion to dismiss, a complaint must contain enough factual matter, accepted as true, to state a claim to relief that is plausible on its face. The Court accepts the well-pleaded facts as true and draws all reasonable inferences in the plaintiff\'s favor.' },
    { kind: 'paragraph', indent: true, text: '1. Breach of contract (Count I). The complaint identifies the Agreement, Northwind\'s delivery of 145 NT-400 units, three unpaid invoices totalling $413,250.00, and Contoso\'s failure to pay within thirty days as Section 4.2 requires. Contoso argues that it disputed the invoices, but the complaint alleges that Contoso never gave the notice of rejection that Section 5.2 requires, and whether a dispute existed is a question of fact. Count I states a claim.' },
    { kind: 'paragraph', indent: true, text: '2. Account stated (Count II). Northwind alleges that it sent the invoices and that Contoso retained them without objection for more than ninety days. At this stage, that is enough. Count II states a claim.' },
  ]);
  const page2 = layoutPage(stamp(2), [
    { kind: 'paragraph', indent: true, text: '3. Unjust enrichment (Count III). Under Delaware law, a claim for unjust enrichment is not available where an express contract governs the relationship between the parties. Northwind does not dispute that the Agreement is valid and governs the sale of the units at issue. Count III is dismissed without prejudice.' },
    { kind: 'paragraph', indent: true, text: 'NOW, THEREFORE, IT IS HEREBY ORDERED that Defendant\'s Motion to Dismiss (D.I. 8) is GRANTED IN PART and DENIED IN PART, as follows:' },
    { kind: 'paragraph', indent: true, text: '(a) The motion is DENIED as to Counts I and II.' },
    { kind: 'paragraph', indent: true, text: '(b) The motion is GRANTED as to Count III, which is DISMISSED without prejudice.' },
    { kind: 'paragraph', indent: true, text: '(c) Defendant shall answer the remaining counts of the complaint within fourteen (14) days of the date of this Order.' },
    { kind: 'paragraph', indent: true, text: '(d) The parties shall submit a joint proposed scheduling order no later than April 1, 2024.' },
    { kind: 'space' },
    { kind: 'lines', lines: ['IT IS SO ORDERED.'] },
    { kind: 'space' },
    { kind: 'lines', lines: ['Dated: March 4, 2024'] },
    { kind: 'space' },
    { kind: 'lines', x: 330, lines: ['/s/ Eleanor M. Whitcombe', 'The Honorable Eleanor M. Whitcombe', 'UNITED STATES DISTRICT JUDGE'] },
  ]);
  return pdf({
    title: `Northwind Traders LLC v. Contoso Ltd., ${CASE_NO}, D.I. 12`,
    author: 'United States District Court for the District of Delaware',
    created: "D:20240304141700-05'00'",
    pages: [page1, page2],
  });
}

function courtNotice(): Buffer {
  const boundary = 'docpipe-example-nef-0417-12';
  const docket = 'ORDER granting in part and denying in part [8] Motion to Dismiss for Failure to State a Claim. The motion is DENIED as to Counts I and II and GRANTED as to Count III, which is DISMISSED without prejudice. Defendant shall answer within 14 days. Joint proposed scheduling order due by 4/1/2024. Signed by Judge Eleanor M. Whitcombe on 3/4/2024. (dmk)';
  const recipients = [
    'Daniel R. Okafor     dokafor@halvorsenpike.example, docketing@halvorsenpike.example',
    'Priya Raman          praman@brightwaterlegal.example, ecf@brightwaterlegal.example',
  ];
  const text = [
    'This is an automatic e-mail message generated by the court\'s electronic filing system. Replies to this address are not read.',
    '',
    'Counsel of record receive one free electronic copy of each document filed in their case. Download a copy the first time you view it.',
    '',
    'U.S. District Court',
    '',
    'District of Delaware',
    '',
    'Notice of Electronic Filing',
    '',
    'The following transaction was entered on 3/4/2024 at 2:17 PM EST and filed on 3/4/2024',
    'Case Name:        Northwind Traders LLC v. Contoso Ltd.',
    `Case Number:      ${CASE_NO}-EMW`,
    'Filer:',
    'Document Number:  12',
    '',
    'Docket Text:',
    ...wrap(docket, 76),
    '',
    `${CASE_NO}-EMW Notice has been electronically mailed to:`,
    '',
    ...recipients,
    '',
    `${CASE_NO}-EMW Notice has been delivered by other means to:`,
    '',
    '(none)',
    '',
    'The following document(s) are associated with this transaction:',
    '',
    'Document description: Main Document',
    'Original filename: n/a',
    'Electronic document stamp: [DED-EXAMPLE-STAMP 2024-03-04 0417-12 sha256:not-a-real-stamp]',
    '',
  ];
  const html = [
    '<html><body>',
    '<p>This is an automatic e-mail message generated by the court\'s electronic filing system. Replies to this address are not read.</p>',
    '<p><b>U.S. District Court</b></p>',
    '<p><b>District of Delaware</b></p>',
    '<p><b>Notice of Electronic Filing</b></p>',
    '<p>The following transaction was entered on 3/4/2024 at 2:17 PM EST and filed on 3/4/2024</p>',
    '<table>',
    '<tr><td><b>Case Name:</b></td><td>Northwind Traders LLC v. Contoso Ltd.</td></tr>',
    `<tr><td><b>Case Number:</b></td><td>${CASE_NO}-EMW</td></tr>`,
    '<tr><td><b>Filer:</b></td><td></td></tr>',
    '<tr><td><b>Document Number:</b></td><td>12</td></tr>',
    '</table>',
    '<p><b>Docket Text:</b><br>',
    ...wrap(docket, 76),
    '</p>',
    `<p><b>${CASE_NO}-EMW Notice has been electronically mailed to:</b></p>`,
    `<p>${recipients.map((r) => r.replace(/\s{2,}/, ' &nbsp; ')).join('<br>\r\n')}</p>`,
    '<p><b>Document description:</b> Main Document<br><b>Original filename:</b> n/a</p>',
    '</body></html>',
    '',
  ];
  const headers = [
    'Return-Path: <ecf-noreply@ded.uscourts.example>',
    'Received: from ecf-mail.ded.uscourts.example (ecf-mail.ded.uscourts.example [192.0.2.17])',
    '        by mx.halvorsenpike.example with ESMTP id 0417A12; Mon, 04 Mar 2024 14:17:09 -0500',
    'Message-ID: <20240304191702.0417.12@ecf-mail.ded.uscourts.example>',
    'Date: Mon, 04 Mar 2024 14:17:02 -0500',
    'From: ecf-noreply@ded.uscourts.example',
    'To: ecf-noreply@ded.uscourts.example',
    'Bcc: dokafor@halvorsenpike.example',
    `Subject: Activity in Case ${CASE_NO}-EMW Northwind Traders LLC v. Contoso Ltd. Order on Motion to Dismiss`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const body = [
    ...headers,
    '',
    'This is a multi-part message in MIME format.',
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    'Content-Transfer-Encoding: 7bit',
    '',
    ...text,
    `--${boundary}`,
    'Content-Type: text/html; charset=us-ascii',
    'Content-Transfer-Encoding: 7bit',
    '',
    ...html,
    `--${boundary}--`,
    '',
  ];
  return Buffer.from(body.join('\r\n'), 'ascii');
}

/** The example documents, by file name, in a fixed order. */
export function buildExamples(): ExampleFile[] {
  return [
    { name: 'supply-agreement.txt', data: Buffer.from(contractText(), 'utf8') },
    { name: 'demand-letter.docx', data: demandLetter() },
    { name: 'order-on-motion-to-dismiss.pdf', data: courtOrder() },
    { name: 'notice-of-electronic-filing.eml', data: courtNotice() },
  ];
}
